package dev.tidemark.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics table ({@link BatchMetrics}) as {@code status} shows it, per query: how many batches
 * were recorded, the late events dropped over all of them, the newest batches (newest first: latest
 * batch time, then highest batch id) and the newest one that read anything. Read in one pass over
 * the table, keeping a few rows per query, however long the table's history.
 */
final class RecordedBatches {
  /** The metrics table's columns read, in the order {@link #add} takes them. */
  static final List<String> COLUMNS =
      List.of(
          "pipeline",
          "query",
          "batch_id",
          "batch_time",
          "input_rows",
          "processed_rows_per_second",
          "watermark",
          "event_time_lag_seconds",
          "state_rows",
          "late_rows_dropped",
          "offsets_behind_latest");

  /** One recorded batch: the figures {@code status} shows. */
  record Batch(
      long batchId,
      Instant batchTime,
      long inputRows,
      double rowsPerSecond,
      Instant watermark,
      Double lagSeconds,
      long stateRows,
      Long offsetsBehind) {}

  static final Comparator<Batch> NEWEST_FIRST =
      Comparator.comparing(Batch::batchTime, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingLong(Batch::batchId)
          .reversed();

  /** The batches of one query. */
  static final class Query {
    private final int keep;
    private long batches;
    private long lateDropped;
    private final List<Batch> newest = new ArrayList<>();
    private Batch newestBusy;

    Query(int keep) {
      this.keep = keep;
    }

    void add(Batch b, long late) {
      batches++;
      lateDropped += late;
      int at = 0;
      while (at < newest.size() && NEWEST_FIRST.compare(newest.get(at), b) <= 0) {
        at++;
      }
      if (at < keep) {
        newest.add(at, b);
        if (newest.size() > keep) {
          newest.remove(keep);
        }
      }
      if (b.inputRows() > 0 && (newestBusy == null || NEWEST_FIRST.compare(b, newestBusy) < 0)) {
        newestBusy = b;
      }
    }

    long batches() {
      return batches;
    }

    long lateDropped() {
      return lateDropped;
    }

    Optional<Batch> last() {
      return newest.isEmpty() ? Optional.empty() : Optional.of(newest.get(0));
    }

    /** The newest batches, newest first, at most as many as the reader keeps. */
    List<Batch> newest() {
      return List.copyOf(newest);
    }

    /** The newest batch that read at least one row. */
    Optional<Batch> newestBusy() {
      return Optional.ofNullable(newestBusy);
    }
  }

  private final int keep;
  private final Map<List<String>, Query> queries = new HashMap<>();

  /**
   * @param keep how many of the newest batches to keep per query
   */
  RecordedBatches(int keep) {
    this.keep = keep;
  }

  /** The metrics table at {@code path}; empty when there is none. */
  static RecordedBatches read(LakeTables tables, String path, int keep) {
    RecordedBatches out = new RecordedBatches(keep);
    tables.forEachRow(path, COLUMNS, out::add);
    return out;
  }

  /** Adds one row: the values of {@link #COLUMNS}. */
  void add(Object[] v) {
    Batch b =
        new Batch(
            orZero(v[2]),
            (Instant) v[3],
            orZero(v[4]),
            v[5] == null ? 0 : (Double) v[5],
            (Instant) v[6],
            (Double) v[7],
            orZero(v[8]),
            (Long) v[10]);
    queries
        .computeIfAbsent(List.of(String.valueOf(v[0]), String.valueOf(v[1])), k -> new Query(keep))
        .add(b, orZero(v[9]));
  }

  /** The batches recorded for a query of a pipeline (none when it has no rows). */
  Query of(String pipeline, String query) {
    return queries.getOrDefault(List.of(pipeline, query), new Query(keep));
  }

  private static long orZero(Object o) {
    return o == null ? 0 : (Long) o;
  }
}
