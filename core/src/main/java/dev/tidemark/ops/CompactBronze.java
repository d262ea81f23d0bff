package dev.tidemark.ops;

import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.CompactClosedPartitions.Outcome;
import dev.tidemark.pipeline.BronzeRecords;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a topic's bronze table (Delta OPTIMIZE) in the ingest dates before a given day: the
 * ingest writes one small file per Kafka partition and micro-batch, always into the date of its
 * batch. OPTIMIZE only rewrites files (no data change), so it does not conflict with a running
 * ingest, whose commits are blind appends; records, their order of offsets and every replay from
 * bronze stay as they were.
 */
public final class CompactBronze {
  private static final Logger LOG = LoggerFactory.getLogger(CompactBronze.class);

  private final SparkSession spark;
  private final TidemarkConfig config;

  public CompactBronze(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Compacts the ingest dates of {@code topic}'s bronze table before {@code before} (by default
   * today, UTC: earlier dates are complete unless a batch begun on them is replayed).
   */
  public Outcome run(String topic, LocalDate before) {
    String path = config.bronzePath(topic);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return new Outcome(before, 0, 0, null, "no bronze table yet (is the ingest running?)");
    }
    Outcome o =
        CompactClosedPartitions.optimizeBefore(
            spark, path, BronzeRecords.INGEST_DATE, before, List.of());
    if (o.skipped() == null) {
      LOG.info(
          "compacted bronze of {} before {}: {} files -> {} (version {})",
          topic,
          before,
          o.filesRemoved(),
          o.filesAdded(),
          o.version());
    }
    return o;
  }
}
