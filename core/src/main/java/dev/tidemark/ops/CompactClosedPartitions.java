package dev.tidemark.ops;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts small files (Delta OPTIMIZE, with Z-ORDER when {@code sink.zorder-by} is set) only in
 * the partitions the watermark has closed: dates whose every window ended before the watermark. The
 * stream never writes there again (its MERGE names the partitions of each batch, and late events
 * behind the watermark are dropped), so compaction and the running stream do not conflict.
 *
 * <p>Needs the table's first partition column to be the DATE of the window start (as in the sample
 * pipelines: {@code to_date(window.start) AS window_date}).
 */
public final class CompactClosedPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(CompactClosedPartitions.class);

  /** What a compaction did. */
  public record Outcome(
      LocalDate closedBefore, long filesRemoved, long filesAdded, Long version, String skipped) {}

  private final SparkSession spark;
  private final TidemarkConfig config;

  public CompactClosedPartitions(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** The first date still open at {@code watermark}: dates before it are closed. */
  public static LocalDate firstOpenDate(PipelineSpec spec, Instant watermark) {
    return watermark.minus(spec.window().size()).atZone(ZoneOffset.UTC).toLocalDate();
  }

  public Outcome run(PipelineSpec spec, Instant watermark, List<String> zorderBy) {
    String path = config.tablePath(spec);
    if (spec.sink().partitionBy().isEmpty()) {
      return new Outcome(null, 0, 0, null, "table is not partitioned; nothing is provably closed");
    }
    String partition = spec.sink().partitionBy().get(0);
    StructField field = spark.read().format("delta").load(path).schema().apply(partition);
    if (!field.dataType().equals(DataTypes.DateType)) {
      return new Outcome(
          null, 0, 0, null, "first partition column '" + partition + "' is not the window DATE");
    }
    LocalDate before = firstOpenDate(spec, watermark);
    Outcome o = optimizeBefore(spark, path, partition, before, zorderBy);
    if (o.skipped() == null) {
      LOG.info(
          "compacted {} partitions before {}: {} files -> {} (version {})",
          spec.name(),
          before,
          o.filesRemoved(),
          o.filesAdded(),
          o.version());
    }
    return o;
  }

  /**
   * OPTIMIZE (with Z-ORDER when given) of the partitions whose DATE column {@code partition} is
   * before {@code before}; what it did, from OPTIMIZE's own metrics and the table's history.
   */
  static Outcome optimizeBefore(
      SparkSession spark, String path, String partition, LocalDate before, List<String> zorderBy) {
    String sql =
        "OPTIMIZE delta.`"
            + path
            + "` WHERE `"
            + partition
            + "` < DATE'"
            + before
            + "'"
            + (zorderBy.isEmpty() ? "" : " ZORDER BY (" + String.join(", ", zorderBy) + ")");
    // OPTIMIZE returns its own metrics; the history's newest entry may already be a stream commit.
    Row result = spark.sql(sql).first();
    Row metrics = result.getStruct(result.fieldIndex("metrics"));
    long removed = metrics.getLong(metrics.fieldIndex("numFilesRemoved"));
    long added = metrics.getLong(metrics.fieldIndex("numFilesAdded"));
    if (removed == 0) {
      return new Outcome(before, 0, 0, null, "no small files in closed partitions");
    }
    Long version =
        DeltaTable.forPath(spark, path)
            .history(20)
            .where("operation = 'OPTIMIZE'")
            .select("version")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .findFirst()
            .orElse(null);
    return new Outcome(before, removed, added, version, null);
  }
}
