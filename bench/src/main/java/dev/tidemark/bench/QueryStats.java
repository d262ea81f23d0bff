package dev.tidemark.bench;

import java.util.Arrays;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Reads a finished streaming query's progress reports. The bench session keeps every report ({@code
 * spark.sql.streaming.numRecentProgressUpdates}), so sums are over the whole run.
 */
final class QueryStats {
  /** Progress reports kept per query; above any batch count a bench run produces. */
  static final int KEPT_PROGRESS = 100_000;

  private QueryStats() {}

  static long inputRows(StreamingQuery query) {
    return Arrays.stream(query.recentProgress()).mapToLong(p -> p.numInputRows()).sum();
  }

  static int batches(StreamingQuery query) {
    return query.recentProgress().length;
  }

  /** The largest state the query held: rows and state-store memory, over all its operators. */
  static BenchCase.StateSize state(StreamingQuery query) {
    long rows = 0;
    long bytes = 0;
    for (StreamingQueryProgress p : query.recentProgress()) {
      long r = 0;
      long b = 0;
      for (StateOperatorProgress s : p.stateOperators()) {
        r += s.numRowsTotal();
        b += s.memoryUsedBytes();
      }
      rows = Math.max(rows, r);
      bytes = Math.max(bytes, b);
    }
    return new BenchCase.StateSize(rows, bytes);
  }
}
