package dev.tidemark.cli;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.CompactClosedPartitions;
import dev.tidemark.ops.MaintainPipeline;
import dev.tidemark.run.SparkSessionFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "maintain",
    description = {
      "Keep a pipeline's table fast to query, safely next to its running stream:",
      "  1. compact small files (OPTIMIZE, Z-ORDER BY sink.zorder-by) only in the date partitions"
          + " the watermark has closed, which the stream never writes again;",
      "  2. with --retain, VACUUM files older than the retention, refusing a retention shorter"
          + " than tidemark.maintenance.slowest-reader-lag or Delta's"
          + " delta.deletedFileRetentionDuration.",
      "  3. the same for the bronze tables of the pipeline's topics (when tidemark.bronze.enabled):"
          + " compact the ingest dates before today (UTC), and VACUUM with --retain; --no-bronze"
          + " skips them.",
      "The watermark comes from the metrics table (the last recorded batch) unless --watermark is"
          + " given.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark maintain --pipeline card-velocity",
      "  tidemark maintain --pipeline card-velocity --retain '168 hours'"
    })
final class MaintainCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Option(
      names = "--watermark",
      converter = InstantConverter.class,
      description = "Treat this as the stream's watermark (default: from the metrics table).")
  Instant watermark;

  @Option(
      names = "--retain",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "Also VACUUM, keeping files removed within this long (e.g. '168 hours').")
  Duration retain;

  @Option(names = "--no-compact", description = "Skip compaction.")
  boolean noCompact;

  @Option(names = "--no-bronze", description = "Leave the bronze tables of the topics alone.")
  boolean noBronze;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    SparkSession spark = SparkSessionFactory.create(config, "tidemark-maintain-" + target.name());
    PrintWriter out = output.out();
    new MaintainPipeline(spark, config, spec)
        .withWatermark(watermark)
        .withRetention(retain)
        .withCompaction(!noCompact)
        .withBronze(!noBronze)
        .execute(step -> out.println(describe(target.name(), step)));
    out.flush();
    return 0;
  }

  /** One line per step, as it finishes. */
  static String describe(String pipeline, MaintainPipeline.Step step) {
    String who = step.bronze() ? step.table() : pipeline;
    CompactClosedPartitions.Outcome o = step.compacted();
    return switch (step.kind()) {
      case NO_WATERMARK ->
          who
              + ": no watermark recorded yet (run the stream first or pass --watermark); nothing is"
              + " known to be closed, no compaction";
      case COMPACT ->
          o.skipped() != null
              ? who + ": compaction skipped: " + o.skipped()
              : String.format(
                  "%s: compacted %s before %s%s: %d files -> %d (table version %d)",
                  who,
                  step.bronze() ? "ingest dates" : "partitions",
                  o.closedBefore(),
                  step.bronze() ? "" : " (watermark " + step.watermark() + ")",
                  o.filesRemoved(),
                  o.filesAdded(),
                  o.version());
      case VACUUM ->
          step.bronze()
              ? String.format(
                  "%s: vacuumed keeping %d hours of history", who, step.retained().toHours())
              : String.format(
                  "%s: vacuumed %s keeping %d hours of history",
                  who, step.path(), step.retained().toHours());
    };
  }
}
