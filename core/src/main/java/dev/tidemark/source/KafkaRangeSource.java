package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A bounded batch of a pipeline's raw Kafka records whose record timestamps lie in {@code [from,
 * to)}. Kafka finds the offsets by timestamp on every partition, so a one-hour backfill reads about
 * one hour of the topic, not all of it.
 */
public final class KafkaRangeSource {
  private KafkaRangeSource() {}

  public static Dataset<Row> read(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, Instant from, Instant to) {
    Map<String, String> options = KafkaOptions.of(config, spec);
    if (spec.source().hasPattern()) {
      // The topics the pattern matches now, so that the backfill says which it read.
      List<String> topics = PipelineTopics.inKafka(config, spec);
      if (topics.isEmpty()) {
        throw new IllegalArgumentException(
            "no Kafka topic matches source.topic-pattern '"
                + spec.source().topicPattern()
                + "' of pipeline "
                + spec.name());
      }
      options.remove("subscribePattern");
      options.put("subscribe", String.join(",", topics));
    }
    options.remove("maxOffsetsPerTrigger");
    options.put("startingTimestamp", Long.toString(from.toEpochMilli()));
    options.put("endingTimestamp", Long.toString(to.toEpochMilli()));
    // A partition with no record at or after `from` contributes nothing instead of failing.
    options.put("startingOffsetsByTimestampStrategy", "latest");
    return spark.read().format("kafka").options(options).load();
  }
}
