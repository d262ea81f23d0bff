package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A pipeline's topics as an unbounded stream of raw Kafka records (for a pipeline that reads
 * another pipeline, that pipeline's table: {@link UpstreamTable}). Starts from the earliest offset
 * on the first run; afterwards the checkpoint decides. {@code failOnDataLoss} stays on unless the
 * configuration turns it off, so offsets that aged out of Kafka stop the stream instead of being
 * skipped silently.
 */
public final class KafkaStreamSource {
  private KafkaStreamSource() {}

  public static Dataset<Row> read(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    return read(spark, config, spec, null);
  }

  /**
   * {@link #read(SparkSession, TidemarkConfig, PipelineSpec)} starting a new query at the given
   * offsets (Spark's {@code startingOffsets} JSON; null for the configured ones, else earliest).
   */
  public static Dataset<Row> read(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, String startingOffsets) {
    if (spec.source().fromPipeline()) {
      return UpstreamTable.stream(spark, config, spec); // no Kafka: another pipeline's table
    }
    Map<String, String> options = KafkaOptions.of(config, spec);
    if (startingOffsets != null) {
      options.put("startingOffsets", startingOffsets);
    }
    options.putIfAbsent("startingOffsets", "earliest");
    return spark.readStream().format("kafka").options(options).load();
  }

  /** One topic as a stream of raw records with their headers, for the bronze ingest. */
  public static Dataset<Row> readTopic(SparkSession spark, TidemarkConfig config, String topic) {
    Map<String, String> options = KafkaOptions.ofTopic(config, topic);
    options.putIfAbsent("startingOffsets", "earliest");
    return spark.readStream().format("kafka").options(options).load();
  }
}
