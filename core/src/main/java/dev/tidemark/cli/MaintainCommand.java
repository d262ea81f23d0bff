package dev.tidemark.cli;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.CompactBronze;
import dev.tidemark.ops.CompactClosedPartitions;
import dev.tidemark.ops.PipelineStatus;
import dev.tidemark.ops.StatusReader;
import dev.tidemark.ops.VacuumGuard;
import dev.tidemark.run.SparkSessionFactory;
import dev.tidemark.source.PipelineTopics;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
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
    String path = config.tablePath(spec);
    VacuumGuard guard = new VacuumGuard(spark, config.slowestReaderLag());
    List<String> bronzeTopics =
        noBronze || !config.bronze().enabled()
            ? List.of()
            : PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec)
                .stream()
                .filter(t -> DeltaTable.isDeltaTable(spark, config.bronzePath(t)))
                .toList();
    if (retain != null) { // refuses with the reason, before any work
      guard.check(spec.sink().table(), path, retain);
      for (String topic : bronzeTopics) {
        guard.check("bronze " + topic, config.bronzePath(topic), retain);
      }
    }
    var out = output.out();
    if (!noCompact) {
      Instant wm = watermark;
      if (wm == null) {
        PipelineStatus status = new StatusReader(config).read(spec);
        wm = status.watermark();
      }
      if (wm == null) {
        out.printf(
            "%s: no watermark recorded yet (run the stream first or pass --watermark); nothing is"
                + " known to be closed, no compaction%n",
            target.name());
      } else {
        CompactClosedPartitions.Outcome o =
            new CompactClosedPartitions(spark, config).run(spec, wm, spec.sink().zorderBy());
        if (o.skipped() != null) {
          out.printf("%s: compaction skipped: %s%n", target.name(), o.skipped());
        } else {
          out.printf(
              "%s: compacted partitions before %s (watermark %s): %d files -> %d (table version"
                  + " %d)%n",
              target.name(), o.closedBefore(), wm, o.filesRemoved(), o.filesAdded(), o.version());
        }
      }
    }
    if (retain != null) {
      guard.vacuum(spec.sink().table(), path, retain);
      out.printf(
          "%s: vacuumed %s keeping %d hours of history%n", target.name(), path, retain.toHours());
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (String topic : bronzeTopics) {
      if (!noCompact) {
        CompactClosedPartitions.Outcome o = new CompactBronze(spark, config).run(topic, today);
        if (o.skipped() != null) {
          out.printf("bronze %s: compaction skipped: %s%n", topic, o.skipped());
        } else {
          out.printf(
              "bronze %s: compacted ingest dates before %s: %d files -> %d (table version %d)%n",
              topic, o.closedBefore(), o.filesRemoved(), o.filesAdded(), o.version());
        }
      }
      if (retain != null) {
        guard.vacuum("bronze " + topic, config.bronzePath(topic), retain);
        out.printf("bronze %s: vacuumed keeping %d hours of history%n", topic, retain.toHours());
      }
    }
    out.flush();
    return 0;
  }
}
