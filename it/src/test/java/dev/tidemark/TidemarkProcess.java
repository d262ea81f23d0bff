package dev.tidemark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The tidemark CLI in a JVM of its own, started as scripts/tidemark starts it (module flags from
 * core/target/jvm.options, the classpath of this module's tests: it/target/classpath.txt, with core
 * and local) with JVM flags for a fast start: a separate driver that a test can kill.
 */
public final class TidemarkProcess {
  private TidemarkProcess() {}

  public static Process start(Path log, String... args) {
    return start(log, Map.of(), args);
  }

  /**
   * The CLI with {@code environment} added to this JVM's (e.g. {@link TestS3#childEnvironment}).
   */
  public static Process start(Path log, Map<String, String> environment, String... args) {
    return start(log, environment, false, "dev.tidemark.cli.TidemarkCli", args);
  }

  /**
   * A main class of the test sources in a JVM of its own, started the same way, with the test
   * classes on its classpath and {@code environment} added to this JVM's environment.
   */
  public static Process startTestMain(
      Path log, Map<String, String> environment, Class<?> mainClass, String... args) {
    return start(log, environment, true, mainClass.getName(), args);
  }

  private static Process start(
      Path log,
      Map<String, String> environment,
      boolean withTestClasses,
      String mainClass,
      String... args) {
    Path project = TestSpark.projectDir();
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          Arrays.asList(
              Files.readString(project.resolve("core/target/jvm.options")).trim().split("\\s+")));
      command.add("-Xmx1500m");
      // Short-lived drivers on small data: the C1 compiler only and the serial collector halve the
      // CPU a start costs (tidemark validate: 26 s -> 14 s CPU on 2 cores), which tests that start
      // many drivers (StreamCrashIT: six) feel most.
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-XX:+UseSerialGC");
      // As in the test JVMs (the root pom's test.codegen.flags): projections outside whole-stage
      // code generation interpreted, not generated and compiled in every task.
      command.add("-Dspark.sql.codegen.factoryMode=NO_CODEGEN");
      command.add("-Dlog4j2.configurationFile=" + project.resolve("conf/log4j2.properties"));
      command.add("-cp");
      command.add(
          (withTestClasses ? project.resolve("it/target/test-classes") + ":" : "")
              + Files.readString(project.resolve("it/target/classpath.txt")).trim());
      command.add(mainClass);
      command.addAll(Arrays.asList(args));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(project.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().putAll(environment);
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String output(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
