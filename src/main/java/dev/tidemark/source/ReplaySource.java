package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a backfill or a repair reads a pipeline's raw records for a Kafka-timestamp range: Kafka
 * itself (as far back as its retention) or the bronze tables (as far back as the lake). Both give
 * the same columns, so the same decoder, SQL and sink run on either.
 */
public enum ReplaySource {
  KAFKA,
  BRONZE;

  public Dataset<Row> read(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, Instant from, Instant to) {
    return this == BRONZE
        ? BronzeRangeSource.read(spark, config, spec, from, to)
        : KafkaRangeSource.read(spark, config, spec, from, to);
  }

  /** Bronze when every topic of the pipeline has a bronze table, otherwise Kafka. */
  public static ReplaySource defaultFor(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    return hasBronze(spark, config, spec) ? BRONZE : KAFKA;
  }

  /**
   * Whether every topic of the pipeline has a bronze table; for a topic pattern, whether some
   * bronze table matches it and every matching one is a table.
   */
  public static boolean hasBronze(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    List<String> topics =
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec);
    return !topics.isEmpty()
        && topics.stream().allMatch(t -> DeltaTable.isDeltaTable(spark, config.bronzePath(t)));
  }

  public String label() {
    return name().toLowerCase();
  }
}
