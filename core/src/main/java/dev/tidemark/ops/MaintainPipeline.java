package dev.tidemark.ops;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.source.PipelineTopics;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The maintenance of one pipeline's tables, safe next to its running stream: compaction of the date
 * partitions its watermark has closed (OPTIMIZE, Z-ORDER BY {@code sink.zorder-by}), which the
 * stream never writes again; with a retention, VACUUM, refused before any work when the retention
 * is shorter than the slowest reader's lag or Delta's deleted-file retention ({@link VacuumGuard});
 * then the same for the bronze tables of its topics (ingest dates before today, UTC).
 *
 * <p>Set up with the {@code withX} methods, then {@link #execute(Consumer)} runs the steps in
 * order, reports each as it finishes and returns them all (Iceberg's actions return a typed result
 * the same way). Each step is idempotent: compacting closed partitions again, or vacuuming again,
 * changes nothing more.
 */
public final class MaintainPipeline {
  /** What a step did. */
  public enum Kind {
    /** Compaction skipped: no watermark known, so no partition is known to be closed. */
    NO_WATERMARK,
    /** Compaction ran, or was skipped with a reason ({@link Step#compacted}). */
    COMPACT,
    /** VACUUM ran, keeping {@link Step#retained} of history. */
    VACUUM
  }

  /**
   * One step of the maintenance.
   *
   * @param table the pipeline's table name, or {@code bronze TOPIC}
   * @param path the table's path
   * @param kind what the step was
   * @param watermark the watermark compaction judged closed partitions by (gold compaction only)
   * @param compacted the compaction's outcome ({@link Kind#COMPACT} only)
   * @param retained the history kept ({@link Kind#VACUUM} only)
   */
  public record Step(
      String table,
      String path,
      Kind kind,
      Instant watermark,
      CompactClosedPartitions.Outcome compacted,
      Duration retained) {
    public boolean bronze() {
      return table.startsWith("bronze ");
    }
  }

  /** Every step, in the order run. */
  public record Result(List<Step> steps) {}

  private final SparkSession spark;
  private final TidemarkConfig config;
  private final PipelineSpec spec;
  private Instant watermark;
  private Duration retain;
  private boolean compact = true;
  private boolean bronze = true;

  public MaintainPipeline(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    this.spark = spark;
    this.config = config;
    this.spec = spec;
  }

  /** Judge closed partitions by this watermark instead of the metrics table's last one. */
  public MaintainPipeline withWatermark(Instant value) {
    watermark = value;
    return this;
  }

  /** Also VACUUM, keeping files removed within {@code value}; null for no VACUUM. */
  public MaintainPipeline withRetention(Duration value) {
    retain = value;
    return this;
  }

  public MaintainPipeline withCompaction(boolean value) {
    compact = value;
    return this;
  }

  /** Whether to maintain the bronze tables of the pipeline's topics too (when bronze is on). */
  public MaintainPipeline withBronze(boolean value) {
    bronze = value;
    return this;
  }

  /**
   * Runs the steps, reporting each to {@code progress} as it finishes.
   *
   * @throws VacuumGuard.UnsafeRetentionException before any step, for a retention too short for any
   *     of the tables
   */
  public Result execute(Consumer<Step> progress) {
    String path = config.tablePath(spec);
    String table = spec.sink().table();
    VacuumGuard guard = new VacuumGuard(spark, config.slowestReaderLag());
    List<String> topics =
        !bronze || !config.bronze().enabled()
            ? List.of()
            : PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec)
                .stream()
                .filter(t -> DeltaTable.isDeltaTable(spark, config.bronzePath(t)))
                .toList();
    if (retain != null) {
      guard.check(table, path, retain);
      for (String topic : topics) {
        guard.check("bronze " + topic, config.bronzePath(topic), retain);
      }
    }
    List<Step> steps = new ArrayList<>();
    Consumer<Step> done =
        s -> {
          steps.add(s);
          progress.accept(s);
        };
    if (compact) {
      Instant wm = watermark != null ? watermark : new StatusReader(config).read(spec).watermark();
      done.accept(
          wm == null
              ? new Step(table, path, Kind.NO_WATERMARK, null, null, null)
              : new Step(
                  table,
                  path,
                  Kind.COMPACT,
                  wm,
                  new CompactClosedPartitions(spark, config).run(spec, wm, spec.sink().zorderBy()),
                  null));
    }
    if (retain != null) {
      guard.vacuum(table, path, retain);
      done.accept(new Step(table, path, Kind.VACUUM, null, null, retain));
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (String topic : topics) {
      String bronzeTable = "bronze " + topic;
      String bronzePath = config.bronzePath(topic);
      if (compact) {
        done.accept(
            new Step(
                bronzeTable,
                bronzePath,
                Kind.COMPACT,
                null,
                new CompactBronze(spark, config).run(topic, today),
                null));
      }
      if (retain != null) {
        guard.vacuum(bronzeTable, bronzePath, retain);
        done.accept(new Step(bronzeTable, bronzePath, Kind.VACUUM, null, null, retain));
      }
    }
    return new Result(List.copyOf(steps));
  }
}
