package dev.tidemark.cli;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineChain;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.LakeFileSystem;
import dev.tidemark.run.LakeLayout;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.SparkSessionFactory;
import dev.tidemark.source.ReplaySource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "backfill",
    description = {
      "Recompute a pipeline's windows that start in [--from, --to) from the bronze tables or Kafka"
          + " and replace exactly those rows of its table, atomically (Delta replaceWhere).",
      "Same parsing and SQL as the stream. Records are read by Kafka timestamp, bounded to the range"
          + " (plus tidemark.backfill.kafka-timestamp-slack). Idempotent: running it again gives the"
          + " same rows and one new table version. Times are UTC and must lie on window boundaries.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark backfill --pipeline card-velocity --from 2026-11-25T00:00Z --to 2026-11-25T06:00Z",
      "  tidemark backfill -p sensor-readings --from 2026-11-24 --to 2026-11-25 --chunk '1 hour'",
      "  tidemark backfill -p page-analytics --from 2026-11-25 --to 2026-11-26 --source kafka",
      "  tidemark backfill -p card-velocity --from 2026-11-25 --to 2026-11-26 --chunk '6 hours'"
          + " --dry-run",
      "  tidemark backfill -p sensor-readings --from 2026-11-25T10:00Z --to 2026-11-25T12:00Z"
          + " --cascade   # then sensor-hourly over the same hours"
    })
final class BackfillCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Option(
      names = "--from",
      required = true,
      converter = InstantConverter.class,
      description = "First window start to recompute (inclusive), UTC.")
  Instant from;

  @Option(
      names = "--to",
      required = true,
      converter = InstantConverter.class,
      description = "End of the range (exclusive), UTC.")
  Instant to;

  @Option(
      names = "--chunk",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Split the range into chunks of this length (a multiple of the window slide), each its"
              + " own atomic commit, with progress after each. A rerun after a crash skips the"
              + " chunks already done. Default: one chunk.")
  Duration chunk;

  /** The replay source the user asked for; null means bronze when it exists, else Kafka. */
  @Option(
      names = "--source",
      paramLabel = "bronze|kafka|upstream",
      converter = ReplaySourceConverter.class,
      description =
          "Read the records from the bronze tables (LAKE/bronze/TOPIC: everything ever ingested,"
              + " beyond Kafka's retention) or from Kafka. Default: bronze when every topic of the"
              + " pipeline has a bronze table, else kafka; for a pipeline that reads a pipeline"
              + " (source.pipeline), upstream: that pipeline's table, the only source it has.")
  ReplaySource source;

  @Option(
      names = "--force",
      description =
          "Also replace windows the pipeline's append-mode stream has not closed yet. Without it"
              + " such a backfill is refused (exit 2): the stream appends each window once, when"
              + " its watermark passes the window's end, and would append those windows again."
              + " Use it only when that stream will not write them (it is retired, or restarts on"
              + " a new checkpoint).")
  boolean force;

  @Option(
      names = "--dry-run",
      description =
          "Print the chunks and, for each, the rows of the table it would replace (the rows whose"
              + " window start lies in the chunk now), and the source it would read; take no lock,"
              + " read no record, write nothing.")
  boolean dryRun;

  @Option(
      names = "--cascade",
      description =
          "Then backfill the pipelines that read this one (source.pipeline), and theirs, over the"
              + " ranges that hold the rewritten rows (their streams skip the rewrite). Without it"
              + " those ranges are printed as the next commands to run. Windows of an append-mode"
              + " downstream stream has not closed are left out and named.")
  boolean cascade;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    WindowRange range = new WindowRange(from, to, spec.window());
    if (chunk != null) {
      range.chunks(chunk); // rejects a chunk off the window grid before anything starts
    }
    if (source != null) {
      source
          .mismatch(spec)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException("--source " + source.label() + ": " + why);
              });
    }
    if (dryRun) {
      return dryRun(config, spec, range);
    }
    backfill(config, spec, range, chunk, source, force);
    downstream(config, spec, range);
    return 0;
  }

  /** One pipeline's backfill of {@code range}, under its backfill lock. */
  private void backfill(
      TidemarkConfig config,
      PipelineSpec spec,
      WindowRange range,
      Duration chunk,
      ReplaySource source,
      boolean force) {
    String name = spec.name();
    try (LakeLock lock =
            LakeLock.acquire(
                LakeFileSystem.of(config),
                LakeLayout.of(config).rewriteLock(name),
                "backfill " + name + " " + range);
        PipelineRuntime runtime =
            PipelineRuntime.open(config, "tidemark-backfill-" + name, List.of(spec))) {
      BackfillRunner runner =
          new BackfillRunner(
              runtime.spark(),
              config,
              source != null ? source : ReplaySource.defaultFor(runtime.spark(), config, spec));
      ReplaySource from = runner.source();
      Optional<BackfillRunner.OpenWindows> open = runner.openAppendWindows(spec, range);
      if (open.isPresent() && !force) {
        throw new IllegalArgumentException(refusal(name, range, open.get()));
      }
      open.ifPresent(
          o ->
              output
                  .out()
                  .printf(
                      "backfill %s %s: --force: replacing windows %s, which the append-mode"
                          + " stream has not closed (watermark %s)%n",
                      name, range, o.windows(), o.watermark()));
      output
          .out()
          .printf(
              "backfill %s %s: reading %s%s%n",
              name,
              range,
              from.label(),
              source != null
                  ? " (--source)"
                  : from == ReplaySource.UPSTREAM
                      ? " (the table of pipeline " + spec.source().pipeline() + ")"
                      : from == ReplaySource.BRONZE
                          ? " (bronze tables exist for " + spec.source().describeTopics() + ")"
                          : " (no bronze table for every topic of "
                              + spec.source().describeTopics()
                              + ")");
      List<BackfillRunner.Chunk> chunks;
      try (BackfillProgress progress =
          BackfillProgress.start(
              runtime.spark().sparkContext(),
              output.out(),
              name,
              chunk == null ? 1 : range.chunks(chunk).size(),
              BackfillProgress.onTerminal())) {
        chunks = runner.run(spec, range, chunk, progress::chunkDone);
      }
      long rows =
          chunks.stream().filter(c -> !c.skipped()).mapToLong(c -> c.result().rowsWritten()).sum();
      output
          .out()
          .printf(
              "backfill %s %s done from %s: %d chunks, %d skipped, %d rows written to %s%n",
              name,
              range,
              from.label(),
              chunks.size(),
              chunks.stream().filter(BackfillRunner.Chunk::skipped).count(),
              rows,
              config.tablePath(spec));
    }
  }

  /**
   * The pipelines reading {@code spec}'s table skip the commits of its backfill (a Delta stream
   * follows appends only, D39): each is told the range of its windows that hold the rewritten rows,
   * as the command to run next, or with {@code --cascade} backfilled (and theirs in turn); windows
   * an append-mode downstream stream has not closed are left to a later backfill, and named.
   */
  private void downstream(TidemarkConfig config, PipelineSpec spec, WindowRange range) {
    if (!cascade) {
      DownstreamNotice.print(output.out(), config, spec, "backfill", List.of(range));
      return;
    }
    for (PipelineSpec reader : PipelineChain.readersOf(config.pipelines(), spec.name())) {
      WindowRange next = DownstreamNotice.nextFor(reader, range);
      Optional<WindowRange> closed = Optional.of(next);
      if (reader.sink().outputMode() == OutputMode.APPEND) {
        Instant watermark =
            new BackfillRunner(SparkSessionFactory.create(config, "tidemark-backfill"), config)
                .streamWatermark(reader);
        Optional<WindowRange> open =
            watermark == null ? Optional.empty() : next.notClosedBy(watermark);
        if (open.isPresent()) {
          output
              .out()
              .printf(
                  "cascade: %s windows %s are not closed by its append-mode stream (watermark %s);"
                      + " backfill them once it has: tidemark backfill -p %s --from %s --to %s%n",
                  reader.name(),
                  open.get(),
                  watermark,
                  reader.name(),
                  open.get().from(),
                  open.get().to());
          closed =
              open.get().from().isAfter(next.from())
                  ? Optional.of(new WindowRange(next.from(), open.get().from(), reader.window()))
                  : Optional.empty();
        }
      }
      if (closed.isPresent()) {
        output.out().printf("cascade: %s reads %s%n", reader.name(), spec.name());
        backfill(config, reader, closed.get(), null, null, false);
        downstream(config, reader, closed.get());
      }
    }
  }

  /** What the backfill would do; no lock, nothing read from Kafka or bronze, nothing written. */
  private int dryRun(TidemarkConfig config, PipelineSpec spec, WindowRange range) {
    SparkSession spark = SparkSessionFactory.create(config, "tidemark-backfill-dry-run");
    new PipelineValidator(spark, config).validateAll(List.of(spec));
    BackfillRunner runner =
        new BackfillRunner(
            spark, config, source != null ? source : ReplaySource.defaultFor(spark, config, spec));
    Optional<BackfillRunner.OpenWindows> open = runner.openAppendWindows(spec, range);
    if (open.isPresent() && !force) {
      throw new IllegalArgumentException(refusal(spec.name(), range, open.get()));
    }
    List<BackfillRunner.PlannedChunk> chunks = runner.plan(spec, range, chunk);
    PrintWriter out = output.out();
    out.printf(
        "backfill %s %s dry run: would read %s and replace rows of %s in %d chunk%s%n",
        target.name(),
        range,
        runner.source().label(),
        config.tablePath(spec),
        chunks.size(),
        chunks.size() == 1 ? "" : "s");
    long total = 0;
    for (BackfillRunner.PlannedChunk c : chunks) {
      if (c.doneEarlier()) {
        out.printf(
            "  chunk %d/%d %s: skipped, done by an earlier run%n", c.index(), c.total(), c.range());
      } else {
        total += c.rowsToReplace();
        out.printf(
            "  chunk %d/%d %s: would replace %d rows%n",
            c.index(), c.total(), c.range(), c.rowsToReplace());
      }
    }
    out.printf(
        "backfill %s %s dry run: %d rows would be replaced; nothing was written%n",
        target.name(), range, total);
    return 0;
  }

  /** Which windows, why, and the ways out. */
  private static String refusal(String name, WindowRange range, BackfillRunner.OpenWindows open) {
    boolean some = open.windows().from().isAfter(range.from());
    return String.format(
        "backfill %s %s refused: the append-mode stream of %s has not closed the windows"
            + " starting in %s (its watermark is %s, in %s). It appends each window once, when its"
            + " watermark reaches the window's end, so it would append these again after the"
            + " backfill wrote them, and the table would hold them twice. %s the stream's"
            + " watermark reaches %s, or pass --force if that stream will not write them (it is"
            + " retired, or restarts on a new checkpoint).",
        name,
        range,
        name,
        open.windows(),
        open.watermark(),
        open.checkpoint(),
        some
            ? "Backfill the closed part with --to "
                + open.windows().from()
                + "; for the rest, wait"
                + " until"
            : "Wait until",
        open.windows().lastWindowEnd());
  }
}
