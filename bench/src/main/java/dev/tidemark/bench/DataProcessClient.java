package dev.tidemark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link DataProcess} as a child JVM with this JVM's classpath and talks to it. Its stderr
 * (broker logs) goes to a file; its process id is what {@link ProcessMeter} reads.
 */
final class DataProcessClient implements AutoCloseable {
  private final Process process;
  private final BufferedReader answers;
  private final PrintWriter commands;
  private final String bootstrap;

  private DataProcessClient(Process process) throws IOException {
    this.process = process;
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String ready = answer("ready");
    this.bootstrap = ready.substring("ready ".length());
  }

  static DataProcessClient start(Path log, String heap) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseG1GC"));
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      cmd.add("-Dlog4j2.configurationFile=" + log4j);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DataProcess.class.getName()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      return new DataProcessClient(p);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  String bootstrapServers() {
    return bootstrap;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Loads {@code count} events with event times in {@code [start, start + span)} over {@code keys}
   * uniformly picked cards (0: the generator's own 400 skewed cards).
   */
  long load(
      String topic, int partitions, int count, Instant start, Duration span, long seed, int keys) {
    commands.printf(
        "load %s %d %d %d %d %d %d%n",
        topic, partitions, count, start.toEpochMilli(), span.toSeconds(), seed, keys);
    return Long.parseLong(answer("loaded").substring("loaded ".length()));
  }

  /** Sends events at a steady rate; returns once the last is acknowledged. */
  long rate(String topic, int partitions, int perSecond, int seconds, long seed) {
    commands.printf("rate %s %d %d %d %d%n", topic, partitions, perSecond, seconds, seed);
    return Long.parseLong(answer("sent").substring("sent ".length()));
  }

  private String answer(String expected) {
    try {
      String line = answers.readLine();
      if (line == null) {
        throw new IllegalStateException(
            "the data process (broker + generator) exited with code " + exitCode());
      }
      if (!line.startsWith(expected + " ")) {
        throw new IllegalStateException("the data process answered: " + line);
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  @Override
  public void close() {
    commands.println("quit");
    commands.close();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
