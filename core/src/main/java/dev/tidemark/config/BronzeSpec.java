package dev.tidemark.config;

import java.util.Map;

/**
 * The bronze layer: every record read from Kafka, kept as it arrived in an append-only Delta table
 * per topic ({@code LAKE/bronze/TOPIC}, partitioned by ingest date), written by one streaming query
 * per topic with its own checkpoint.
 *
 * @param enabled whether {@code tidemark stream} starts the bronze ingest of its pipelines' topics
 * @param trigger micro-batch trigger of the ingest queries
 * @param options extra spark-sql-kafka options for the ingest queries (win over {@code
 *     tidemark.kafka.options}), e.g. {@code maxOffsetsPerTrigger}
 */
public record BronzeSpec(boolean enabled, TriggerSpec trigger, Map<String, String> options) {
  /** Secret-looking options print as [redacted]. */
  @Override
  public String toString() {
    return "BronzeSpec[enabled="
        + enabled
        + ", trigger="
        + trigger
        + ", options="
        + Secrets.redact(options)
        + "]";
  }
}
