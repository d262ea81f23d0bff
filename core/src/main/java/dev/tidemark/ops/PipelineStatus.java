package dev.tidemark.ops;

import java.time.Instant;
import java.util.List;

/**
 * What {@code tidemark status} reports for one pipeline. Fields are null when unknown (no batch
 * recorded yet, no table yet).
 *
 * @param lagSeconds last batch time minus watermark
 * @param lateDropped events dropped behind the watermark, over all recorded batches
 * @param source the payload format the pipeline reads, e.g. {@code json}, or Avro with its schema
 *     files and wire format
 * @param dimensions the dimension tables of its enrichment join, if any
 */
public record PipelineStatus(
    String pipeline,
    String table,
    String tablePath,
    Long tableVersion,
    Long files,
    Long sizeBytes,
    String checkpoint,
    Instant lastBatchTime,
    Long batches,
    Double rowsPerSecond,
    Instant watermark,
    Double lagSeconds,
    Long offsetsBehind,
    Long stateRows,
    long quarantined,
    long lateDropped,
    List<BronzeStatus> bronze,
    List<String> warnings,
    String source,
    List<DimensionStatus> dimensions) {

  public Long averageFileBytes() {
    return files == null || sizeBytes == null || files == 0 ? null : sizeBytes / files;
  }
}
