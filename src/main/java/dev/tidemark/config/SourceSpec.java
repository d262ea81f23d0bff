package dev.tidemark.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a pipeline's events come from and how to read them.
 *
 * @param topics Kafka topics to subscribe to
 * @param format payload format; only {@code json} today
 * @param schemaDdl payload schema as a Spark DDL string
 * @param eventTimeColumn TIMESTAMP column of the payload that carries event time
 * @param watermarkDelay how far behind the newest event time the watermark trails; events older
 *     than the watermark are late and dropped by the stream (a backfill still counts them)
 * @param options extra spark-sql-kafka options for this pipeline (win over the global ones)
 */
public record SourceSpec(
    List<String> topics,
    String format,
    String schemaDdl,
    String eventTimeColumn,
    Duration watermarkDelay,
    Map<String, String> options) {

  /** The same source reading other topics. */
  public SourceSpec withTopics(List<String> newTopics) {
    return new SourceSpec(newTopics, format, schemaDdl, eventTimeColumn, watermarkDelay, options);
  }

  /** The same source with other Kafka source options. */
  public SourceSpec withOptions(Map<String, String> newOptions) {
    return new SourceSpec(topics, format, schemaDdl, eventTimeColumn, watermarkDelay, newOptions);
  }

  /** Secret-looking options print as [redacted]. */
  @Override
  public String toString() {
    return "SourceSpec[topics="
        + topics
        + ", format="
        + format
        + ", schemaDdl="
        + schemaDdl
        + ", eventTimeColumn="
        + eventTimeColumn
        + ", watermarkDelay="
        + watermarkDelay
        + ", options="
        + Secrets.redact(options)
        + "]";
  }
}
