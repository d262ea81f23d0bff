package dev.tidemark.config;

import java.util.List;

/**
 * The Delta table a pipeline writes.
 *
 * @param table table name (used in logs and summaries)
 * @param path location relative to the lake root
 * @param partitionBy partition columns of the result
 * @param keys columns identifying one result row (one window of one key); MERGE matches on them
 * @param outputMode see {@link OutputMode}
 * @param trigger micro-batch trigger of the stream
 * @param zorderBy columns {@code tidemark maintain} Z-orders closed partitions by (may be empty)
 */
public record SinkSpec(
    String table,
    String path,
    List<String> partitionBy,
    List<String> keys,
    OutputMode outputMode,
    TriggerSpec trigger,
    List<String> zorderBy) {

  /** The same sink in another output mode. */
  public SinkSpec withOutputMode(OutputMode mode) {
    return new SinkSpec(table, path, partitionBy, keys, mode, trigger, zorderBy);
  }
}
