package dev.tidemark.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands what a micro-batch counted in its sink (records read, quarantined, dropped as late) to the
 * {@link MetricsRecorder}, which records the batch from Spark's progress report: Spark's report has
 * no such figures. Both run in the driver.
 */
public final class BatchCounts {
  /**
   * What one batch counted.
   *
   * @param read records read from Kafka
   * @param quarantined records written to the quarantine table
   * @param lateDropped good events left out of every window because the watermark had closed them
   *     (null when the sink does not judge lateness itself)
   * @param watermarkMs the watermark the batch moved the stream to (epoch ms), when the sink
   *     computes it (a stateless query runs no batch after its last one to report it); else null
   */
  public record Counts(long read, long quarantined, Long lateDropped, Long watermarkMs) {}

  private static final Map<String, Counts> COUNTS = new ConcurrentHashMap<>();
  // Several listeners may read a batch's counts; keep the last few batches of each query.
  private static final long KEEP_BATCHES = 100;

  private BatchCounts() {}

  public static void record(String queryId, long batchId, Counts counts) {
    COUNTS.put(queryId + "/" + batchId, counts);
    COUNTS.remove(queryId + "/" + (batchId - KEEP_BATCHES));
  }

  /** The counts of that batch, or null when its sink did not report any. */
  static Counts get(String queryId, long batchId) {
    return COUNTS.get(queryId + "/" + batchId);
  }
}
