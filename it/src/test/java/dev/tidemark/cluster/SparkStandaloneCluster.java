package dev.tidemark.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real Spark standalone cluster on loopback, one master and one worker, started from the jars the
 * build assembles in core/target/spark-home (no Spark download): separate JVMs, as on a cluster.
 */
final class SparkStandaloneCluster implements AutoCloseable {
  private final Path sparkHome;
  private final Path logDir;
  private final List<Process> processes = new ArrayList<>();
  private final int masterPort;
  private final int masterUiPort;

  private SparkStandaloneCluster(Path sparkHome, Path logDir) throws IOException {
    this.sparkHome = sparkHome;
    this.logDir = logDir;
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  static SparkStandaloneCluster start(Path projectDir, Path logDir) throws Exception {
    Path sparkHome = projectDir.resolve("core/target/spark-home");
    if (!Files.isRegularFile(sparkHome.resolve("RELEASE"))
        || !Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException(sparkHome + " is incomplete; run mvn package first");
    }
    Files.createDirectories(logDir);
    SparkStandaloneCluster cluster = new SparkStandaloneCluster(sparkHome, logDir);
    cluster.launch(
        "master",
        "org.apache.spark.deploy.master.Master",
        "--host",
        "127.0.0.1",
        "--port",
        Integer.toString(cluster.masterPort),
        "--webui-port",
        Integer.toString(cluster.masterUiPort));
    cluster.awaitPort(cluster.masterPort, Duration.ofSeconds(90));
    cluster.launch(
        "worker",
        "org.apache.spark.deploy.worker.Worker",
        "--host",
        "127.0.0.1",
        "--cores",
        "2",
        "--memory",
        "3g",
        "--webui-port",
        Integer.toString(freePort()),
        "--work-dir",
        logDir.resolve("work").toString(),
        cluster.masterUrl());
    cluster.awaitLog("worker", "Successfully registered with master", Duration.ofSeconds(90));
    return cluster;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The master's web UI; {@code /json/} lists applications and drivers with their states. */
  String masterUiUrl() {
    return "http://127.0.0.1:" + masterUiPort;
  }

  /**
   * The worker's folder of launched executors (one sub-folder per application) and drivers (one per
   * driver of cluster deploy mode, with its stdout and stderr).
   */
  Path workDir() {
    return logDir.resolve("work");
  }

  private void launch(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(jvmFlags()));
    command.add("-Xmx512m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logDir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    processes.add(pb.start());
  }

  String[] jvmFlags() throws IOException {
    return Files.readString(sparkHome.getParent().resolve("jvm.options")).trim().split("\\s+");
  }

  private void awaitPort(int port, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException(
        "master did not open port " + port + "; see " + logDir.resolve("master.log"));
  }

  private void awaitLog(String name, String text, Duration timeout) throws Exception {
    Path log = logDir.resolve(name + ".log");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(name + " did not log '" + text + "'; see " + log);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
