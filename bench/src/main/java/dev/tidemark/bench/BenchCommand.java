package dev.tidemark.bench;

import dev.tidemark.cli.CommandOutput;
import dev.tidemark.cli.ConfOptions;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.SparkSessionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tidemark bench}: loads N events into a Kafka topic and measures the pipeline against its
 * ceilings, its batch backfill and a naive hand-written job, printing one table (see {@link
 * BenchReport}) and writing it as {@code bench.md} and {@code bench.json} to the output folder.
 * Local builds only, like {@code demo}.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "bench",
    description = {
      "Measures the pipeline on this machine: starts a Kafka broker (KRaft) in a child process,"
          + " loads N card-velocity events into a topic, then times, as medians over repeated runs"
          + " after a warm-up: a Spark batch read + count and read + parse (the ceilings), Tidemark"
          + " streaming in update and append mode (availableNow until caught up), Tidemark's"
          + " backfill over the same range, a naive plain Spark job with default settings, and the"
          + " same query in Flink SQL (bench/flink, its own JVM; --no-flink skips it);"
          + " optionally the event-to-visible latency at a steady rate.",
      "Prints one table (events/s, ratios, CPU-seconds per million events of the Spark JVM and"
          + " of the broker, peak RSS, state size) and writes it to OUT/bench.md and"
          + " OUT/bench.json with the machine and the command.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  scripts/bench                        # 1,000,000 events, 3 runs after 1 warm-up",
      "  scripts/bench --events 50000 --repeat 1 --warmup 0",
      "  scripts/bench --smoke                # tiny, for CI",
      "  scripts/bench --latency-rate 10000 --latency-seconds 120"
    })
public final class BenchCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Spec CommandSpec command;

  @Option(
      names = "--events",
      defaultValue = "1000000",
      description = "Events to load and process per row (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description = "Timed runs per row; the median is reported (default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--warmup",
      defaultValue = "1",
      description =
          "Untimed runs per row; every row runs its warm-ups before any row is timed, so a row"
              + " is not measured with a JIT that later rows would still warm (default"
              + " ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--smoke",
      description =
          "Tiny run that proves the bench works (CI): 3000 events, 1 run, no warm-up, 1 hour"
              + " of event time, only the update-mode stream and the backfill from Kafka; figures are"
              + " meaningless.")
  boolean smoke;

  @Option(
      names = "--out",
      defaultValue = "target/bench",
      description = "Output folder for bench.md, bench.json and logs (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--pipeline",
      defaultValue = "card-velocity",
      description =
          "Pipeline under test; it must read card payments: the bench sends the"
              + " card-transactions-bench sample events (default ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Kafka partitions of the loaded topic (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--hours",
      defaultValue = "4",
      description = "Hours of event time the events cover (default ${DEFAULT-VALUE}).")
  int hours;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "ROW",
      description =
          "Run only these rows (ids: ceiling-kafka-count, ceiling-parse, tidemark-stream-update,"
              + " tidemark-stream-append, tidemark-backfill-kafka, tidemark-bronze-ingest,"
              + " tidemark-backfill-bronze, naive-stream-append, flink-sql-blackhole,"
              + " flink-sql-files).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--source-option",
      paramLabel = "KEY=VALUE",
      description =
          "Kafka source option that wins over the pipeline file's, for tuning runs, e.g."
              + " --source-option maxOffsetsPerTrigger=250000.")
  Map<String, String> sourceOptions = new LinkedHashMap<>();

  @Option(
      names = "--keys",
      defaultValue = "0",
      description =
          "Distinct cards of the loaded events, picked uniformly; 0 keeps the generator's 400"
              + " skewed cards (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--scale",
      description =
          "Adds the scaling table: the update-mode stream (1 run each, after the rows) at each"
              + " --scale-events count with the generator's own cards, and at each --scale-keys"
              + " count of distinct cards with --events events. Each point loads its own topic.")
  boolean scale;

  @Option(
      names = "--scale-events",
      split = ",",
      defaultValue = "100000,1000000,10000000",
      description = "Event counts of the scaling table (default ${DEFAULT-VALUE}).")
  List<Integer> scaleEvents;

  @Option(
      names = "--scale-keys",
      split = ",",
      defaultValue = "10000,100000,1000000",
      description = "Distinct-card counts of the scaling table (default ${DEFAULT-VALUE}).")
  List<Integer> scaleKeys;

  @Option(
      names = "--latency-rate",
      defaultValue = "0",
      description = "Events per second for the latency run; 0 skips it (default ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(
      names = "--latency-seconds",
      defaultValue = "120",
      description = "Length of the latency run in seconds (default ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--latency-trigger",
      defaultValue = "1",
      description =
          "Processing-time trigger of the latency run, seconds (default ${DEFAULT-VALUE}).")
  int latencyTriggerSeconds;

  @Option(
      names = "--broker-heap",
      defaultValue = "1g",
      description = "Heap of the broker + generator process (default ${DEFAULT-VALUE}).")
  String brokerHeap;

  @Option(
      names = "--no-flink",
      description = "Skip the Flink SQL peer rows (scripts/bench then does not build bench/flink).")
  boolean noFlink;

  @Option(
      names = "--flink-classpath",
      hidden = true,
      paramLabel = "FILE",
      description = "File holding the classpath of the bench/flink module (set by scripts/bench).")
  Path flinkClasspath;

  @Option(
      names = "--flink-unavailable",
      hidden = true,
      paramLabel = "REASON",
      description = "Why the bench/flink module could not be built (set by scripts/bench).")
  String flinkUnavailable;

  @Option(
      names = "--command-line",
      hidden = true,
      description = "The command as the user typed it, for the report (set by scripts/bench).")
  String commandLine;

  /** The rows --smoke runs; the others show "skipped in --smoke". */
  static final List<String> SMOKE_ROWS =
      List.of("tidemark-stream-update", "tidemark-backfill-kafka");

  /** Event time of the first generated event: fixed, so runs are comparable. */
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    MachineInfo machine = MachineInfo.current();
    if (smoke) {
      events = 3000;
      repeat = 1;
      warmup = 0;
      hours = 1;
    }
    BenchSettings settings =
        new BenchSettings(
            pipeline,
            events,
            repeat,
            warmup,
            partitions,
            START,
            Duration.ofHours(hours),
            latencyRate,
            latencySeconds,
            Duration.ofSeconds(latencyTriggerSeconds));
    Path outDir = out.toAbsolutePath().normalize();
    Path work = outDir.resolve("work");
    Files.createDirectories(work);
    Files.deleteIfExists(outDir.resolve("broker.log"));
    try (DataProcessClient data =
        DataProcessClient.start(outDir.resolve("broker.log"), brokerHeap)) {
      ProcessMeter sparkMeter = new ProcessMeter(ProcessHandle.current().pid());
      ProcessMeter brokerMeter = new ProcessMeter(data.pid());
      Map<String, String> base = new LinkedHashMap<>();
      base.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, data.bootstrapServers());
      // Bookkeeping only; offsets committed for lag tools would add a consumer per pipeline.
      TidemarkConfig config = conf.load(withLake(base, work.resolve("base")));
      PipelineSpec spec = config.select(List.of(pipeline)).get(0);
      if (!DataProcess.PIPELINE_GENERATOR.equals(spec.generator())) {
        throw new IllegalArgumentException(
            "the bench sends "
                + DataProcess.GENERATOR
                + " events, for pipelines of demo.generator '"
                + DataProcess.PIPELINE_GENERATOR
                + "' only; pipeline "
                + pipeline
                + " declares demo.generator '"
                + spec.generator()
                + "'");
      }
      String topic = spec.source().topics().get(0);

      double cpu0 = brokerMeter.cpu().toNanos() / 1e9;
      long t0 = System.nanoTime();
      long loaded = data.load(topic, partitions, events, START, settings.span(), 42, keys);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      double loadCpu = brokerMeter.cpu().toNanos() / 1e9 - cpu0;
      if (loaded != events) {
        throw new IllegalStateException("loaded " + loaded + " of " + events + " events");
      }
      output
          .out()
          .printf(
              "bench: %,d events loaded into %s (%d partitions) in %.1f s%n",
              loaded, topic, partitions, loadSeconds);
      output.out().flush();

      SparkSession spark = SparkSessionFactory.create(config, "tidemark-bench");
      spark
          .conf()
          .set(
              "spark.sql.streaming.numRecentProgressUpdates",
              Integer.toString(QueryStats.KEPT_PROGRESS));
      // Every window that can hold a loaded event, including late arrivals (up to 1 hour).
      WindowRange range =
          WindowRange.covering(
              START.minus(spec.window().size()),
              START.plus(settings.span()).plus(Duration.ofHours(1)),
              spec.window());
      BenchContext ctx =
          new BenchContext(
              spark,
              lake -> conf.load(withLake(base, lake)),
              config,
              work,
              pipeline,
              topic,
              events,
              range,
              sourceOptions);
      LoadedBronze bronze = new LoadedBronze(ctx);
      List<BenchCase> cases =
          List.of(
              new KafkaCountCase(ctx),
              new ParseOnlyCase(ctx),
              new TidemarkStreamCase(ctx, OutputMode.UPDATE),
              new TidemarkStreamCase(ctx, OutputMode.APPEND),
              new TidemarkBackfillCase(ctx),
              new BronzeIngestCase(bronze),
              new TidemarkBronzeBackfillCase(ctx, bronze),
              new NaiveStreamCase(ctx),
              flinkCase(ctx, data.bootstrapServers(), FlinkSqlCase.Sink.BLACKHOLE, outDir),
              flinkCase(ctx, data.bootstrapServers(), FlinkSqlCase.Sink.FILES, outDir));
      CaseRunner runner = new CaseRunner(sparkMeter, brokerMeter, warmup, repeat, events);
      List<BenchCase> selected = new ArrayList<>();
      for (BenchCase c : cases) {
        if (smoke && !SMOKE_ROWS.contains(c.id()) && !(c instanceof UnavailableCase)) {
          // CI time is scarce: the rows of the main ratio (stream ÷ batch, stream ÷ ceiling).
          c = new UnavailableCase(c.id(), c.label(), "skipped in --smoke");
        }
        if (only.isEmpty() || only.contains(c.id()) || c instanceof UnavailableCase) {
          selected.add(c);
        }
      }
      // Every row's warm-ups first, then every row's timed runs: a row timed before a later row
      // had warmed the JIT (the rows share most of their code) would pay for the order.
      for (BenchCase c : selected) {
        runner.warm(c);
      }
      List<Measurement> rows = new ArrayList<>();
      for (BenchCase c : selected) {
        rows.add(runner.measure(c));
      }

      bronze.clean();

      List<ScalePoint.Row> scaling = new ArrayList<>();
      if (scale && !smoke) {
        for (ScalePoint p : ScalePoint.grid(scaleEvents, scaleKeys, events)) {
          String t = topic + "-" + p.topicSuffix();
          long n = data.load(t, partitions, p.events(), START, settings.span(), 43, p.keys());
          output
              .out()
              .printf(
                  "bench: scaling, %,d events over %s cards loaded into %s%n",
                  n, p.keys() == 0 ? "the generator's 400" : String.format("%,d", p.keys()), t);
          output.out().flush();
          CaseRunner once = new CaseRunner(sparkMeter, brokerMeter, 0, 1, n);
          scaling.add(
              new ScalePoint.Row(
                  p, once.measure(new TidemarkStreamCase(ctx.forTopic(t, n), OutputMode.UPDATE))));
        }
      }

      LatencyResult latency = null;
      String latencyNote = "not run (--latency-rate 0)";
      if (latencyRate > 0) {
        latency = new LatencyProbe(ctx, data, settings).run();
      }

      BenchReport report =
          new BenchReport(
              settings,
              machine,
              MachineInfo.loadAverageNow(),
              commandLine != null ? commandLine : "tidemark bench " + String.join(" ", args()),
              settingsNote(config, ctx.spec()),
              loadSeconds,
              loadCpu,
              rows,
              scaling,
              latency,
              latencyNote,
              sparkMeter.resettable() && brokerMeter.resettable(),
              (System.nanoTime() - started) / 1e9);
      String md = report.markdown();
      Files.writeString(outDir.resolve("bench.md"), md, StandardCharsets.UTF_8);
      Files.writeString(
          outDir.resolve("bench.json"), Json.write(report.json()), StandardCharsets.UTF_8);
      output.out().println();
      output.out().print(md);
      output
          .out()
          .printf("%nwritten: %s, %s%n", outDir.resolve("bench.md"), outDir.resolve("bench.json"));
      output.out().flush();
      spark.stop();
    }
    return 0;
  }

  /** The Flink peer's row, or why it cannot run: skipped, or its module could not be built. */
  private BenchCase flinkCase(
      BenchContext ctx, String bootstrap, FlinkSqlCase.Sink sink, Path outDir) throws IOException {
    String id = FlinkSqlCase.id(sink);
    String label = FlinkSqlCase.label(sink);
    if (noFlink) {
      return new UnavailableCase(id, label, "skipped (--no-flink)");
    }
    if (smoke) {
      // A Flink JVM per row plus the first build of bench/flink cost minutes on CI's 2 cores.
      return new UnavailableCase(id, label, "skipped in --smoke");
    }
    if (flinkClasspath == null) {
      return new UnavailableCase(
          id,
          label,
          flinkUnavailable != null
              ? "n/a (" + flinkUnavailable + ")"
              : "n/a (no --flink-classpath: run through scripts/bench, which builds bench/flink)");
    }
    String classpath = Files.readString(flinkClasspath, StandardCharsets.UTF_8).trim();
    return new FlinkSqlCase(ctx, bootstrap, classpath, sink, outDir.resolve(id + ".log"));
  }

  private static Map<String, String> withLake(Map<String, String> base, Path lake) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(ConfigKeys.LAKE, lake.toString());
    return m;
  }

  /** The conf file, the Spark master and every spark.sql / Delta setting, and source options. */
  private static String settingsNote(TidemarkConfig config, PipelineSpec spec) {
    StringBuilder b = new StringBuilder("conf ").append(config.file());
    config.sparkConf().entrySet().stream()
        .filter(
            e ->
                e.getKey().equals("spark.master")
                    || e.getKey().startsWith("spark.sql.")
                        && !e.getKey().equals("spark.sql.extensions")
                        && !e.getKey().equals("spark.sql.catalog.spark_catalog")
                    || e.getKey().startsWith("spark.databricks.delta."))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                b.append("; ")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue().replace("org.apache.spark.sql.execution.streaming.", "")));
    return b.append("; source options ").append(spec.source().options()).toString();
  }

  private List<String> args() {
    return command.commandLine().getParseResult().originalArgs();
  }
}
