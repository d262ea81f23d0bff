package dev.tidemark.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.BronzeRecords;
import dev.tidemark.pipeline.KafkaMetadata;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A pipeline's raw records from its topics' bronze tables whose Kafka record timestamps lie in
 * {@code [from, to)}: the same rows and columns {@link KafkaRangeSource} reads from Kafka, for as
 * long as the lake keeps them (Kafka's retention does not apply).
 *
 * <p>Partition pruning: a record is ingested after it reached Kafka, so only ingest dates from the
 * day of {@code from} (less {@link #CLOCK_SKEW} for producer clocks running ahead) are read. There
 * is no upper bound: a record can be ingested any time after it reached Kafka.
 */
public final class BronzeRangeSource {
  /** Tolerance for Kafka CreateTime stamps ahead of the ingesting machine's clock. */
  static final Duration CLOCK_SKEW = Duration.ofDays(1);

  private BronzeRangeSource() {}

  public static Dataset<Row> read(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, Instant from, Instant to) {
    Dataset<Row> all = null;
    List<String> topics =
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException(
          "no bronze table of pipeline "
              + spec.name()
              + " ("
              + spec.source().describeTopics()
              + ")");
    }
    for (String topic : topics) {
      Dataset<Row> one = spark.read().format("delta").load(config.bronzePath(topic));
      all = all == null ? one : all.unionByName(one);
    }
    Date firstDate = Date.valueOf(from.minus(CLOCK_SKEW).atZone(ZoneOffset.UTC).toLocalDate());
    return BronzeRecords.asKafkaRecords(
        all.where(
            col(BronzeRecords.INGEST_DATE)
                .geq(lit(firstDate))
                .and(col("timestamp").geq(lit(Timestamp.from(from))))
                .and(col("timestamp").lt(lit(Timestamp.from(to))))),
        KafkaMetadata.usedBy(spec));
  }
}
