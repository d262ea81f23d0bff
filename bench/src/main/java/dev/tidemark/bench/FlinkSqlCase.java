package dev.tidemark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink SQL peer: the same windowed query as a Flink window TVF over the loaded topic (bounded
 * source), run by {@code dev.tidemark.flinkpeer.FlinkWindowJob} from the separate {@code
 * bench/flink} module in a child JVM with Flink's local mini cluster, parallelism 2 (as Spark's
 * local[2]). Timed from the job's {@code FLINK_READY} (JVM up, tables declared) to its result line;
 * the CPU time and peak memory are the Flink JVM's, reported in the Spark JVM's columns. Fails when
 * the result is not plausible (see {@link FlinkResult#problem(long)}).
 */
final class FlinkSqlCase implements BenchCase {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkSqlCase.class);
  private static final String MAIN = "dev.tidemark.flinkpeer.FlinkWindowJob";

  /** Opened for Flink's serializers on Java 17 (as Flink's own launcher does). */
  private static final List<String> JAVA_17_OPENS =
      List.of(
          "java.base/java.lang",
          "java.base/java.lang.reflect",
          "java.base/java.net",
          "java.base/java.io",
          "java.base/java.nio",
          "java.base/sun.nio.ch",
          "java.base/java.text",
          "java.base/java.time",
          "java.base/java.util",
          "java.base/java.util.concurrent",
          "java.base/java.util.concurrent.atomic",
          "java.base/java.util.concurrent.locks");

  /** Where the rows go: nowhere (compute only) or JSON files partitioned by window date. */
  enum Sink {
    BLACKHOLE,
    FILES
  }

  private final BenchContext ctx;
  private final String bootstrap;
  private final String classpath;
  private final Sink sink;
  private final Path log;

  FlinkSqlCase(BenchContext ctx, String bootstrap, String classpath, Sink sink, Path log) {
    this.ctx = ctx;
    this.bootstrap = bootstrap;
    this.classpath = classpath;
    this.sink = sink;
    this.log = log;
  }

  static String id(Sink sink) {
    return "flink-sql-" + sink.name().toLowerCase(Locale.ROOT);
  }

  static String label(Sink sink) {
    return sink == Sink.FILES
        ? "Flink SQL → JSON files, same windowed query (peer engine; Flink JVM in Spark columns)"
        : "Flink SQL → blackhole, compute only (peer engine; Flink JVM in Spark columns)";
  }

  @Override
  public String id() {
    return id(sink);
  }

  @Override
  public String label() {
    return label(sink);
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) throws Exception {
    String name = id() + "-" + run;
    ctx.clean(name);
    Path folder = ctx.workDir().resolve(name);
    Process p =
        new ProcessBuilder(command(folder))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      awaitLine(out, p, "FLINK_READY");
      meter.engine(new ProcessMeter(p.pid()));
      meter.begin();
      String line = awaitLine(out, p, FlinkResult.PREFIX + " ");
      meter.end();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(id() + ": the Flink job did not exit cleanly; see " + log);
      }
      FlinkResult result = FlinkResult.parse(line);
      LOG.info("bench {}: {}", id(), line);
      String problem = result.problem(ctx.events());
      if (problem != null) {
        throw new IllegalStateException(id() + ": " + problem);
      }
      return StateSize.NONE;
    } finally {
      p.destroyForcibly();
      ctx.clean(name);
    }
  }

  private List<String> command(Path folder) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-XX:+UseG1GC"));
    for (String open : JAVA_17_OPENS) {
      cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
    }
    cmd.addAll(List.of("-cp", classpath, MAIN, bootstrap, ctx.topic()));
    if (sink == Sink.FILES) {
      cmd.addAll(List.of("files", folder.toString()));
    } else {
      cmd.add("blackhole");
    }
    cmd.addAll(List.of("--parallelism", "2"));
    return cmd;
  }

  /** Reads the job's stdout up to a line starting with {@code prefix}; fails if it exits first. */
  private String awaitLine(BufferedReader out, Process p, String prefix) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException(
        id()
            + ": the Flink job exited "
            + (p.isAlive() ? "" : "with code " + exitValue(p) + " ")
            + "before printing "
            + prefix.trim()
            + "; see "
            + log);
  }

  private static String exitValue(Process p) {
    try {
      return p.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
