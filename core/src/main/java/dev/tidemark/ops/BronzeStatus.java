package dev.tidemark.ops;

import java.time.Instant;

/**
 * A topic's bronze table as {@code tidemark status} shows it: how many raw records it keeps and how
 * current its ingest is. Null figures are unknown (no table yet, or no ingest batch recorded).
 *
 * @param records records in the table (Delta answers the count from its log's statistics)
 * @param lastBatchTime when the ingest last recorded a batch in the metrics table
 * @param offsetsBehind Kafka records the ingest had not read at its last batch
 */
public record BronzeStatus(
    String topic,
    String path,
    Long tableVersion,
    Long sizeBytes,
    Long records,
    Instant lastBatchTime,
    Long offsetsBehind) {}
