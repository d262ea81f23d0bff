package dev.tidemark.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the number of records a quarantine micro-batch wrote from the sink (which counts them) to
 * the {@link MetricsRecorder} (which records the batch): Delta's streaming sink reports no output
 * count. Both run in the driver; entries are taken once.
 */
public final class QuarantineCounts {
  private static final Map<String, Long> COUNTS = new ConcurrentHashMap<>();
  // Several listeners may read a batch's count; keep the last few batches of each query.
  private static final long KEEP_BATCHES = 100;

  private QuarantineCounts() {}

  public static void record(String queryId, long batchId, long rows) {
    COUNTS.put(queryId + "/" + batchId, rows);
    COUNTS.remove(queryId + "/" + (batchId - KEEP_BATCHES));
  }

  /** The count of that batch, or null when the sink did not report one. */
  static Long get(String queryId, long batchId) {
    return COUNTS.get(queryId + "/" + batchId);
  }
}
