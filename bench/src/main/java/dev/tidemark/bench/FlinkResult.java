package dev.tidemark.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The result line the Flink peer ({@code dev.tidemark.flinkpeer.FlinkWindowJob} in {@code
 * bench/flink}) prints when its job is done: {@code FLINK_RESULT rows=R window_events=E
 * files_rows=F job_ms=T}.
 *
 * @param rows window rows the query emitted
 * @param windowEvents events counted in the emitted windows (each event is in 10 of them)
 * @param filesRows rows in the committed output files; -1 for the blackhole sink
 * @param jobMillis Flink's net runtime of the job
 */
record FlinkResult(long rows, long windowEvents, long filesRows, long jobMillis) {
  static final String PREFIX = "FLINK_RESULT";

  /** Whether a line of the job's output is its result line. */
  static boolean isResult(String line) {
    return line.startsWith(PREFIX + " ");
  }

  static FlinkResult parse(String line) {
    if (!isResult(line)) {
      throw new IllegalArgumentException("not a Flink result line: " + line);
    }
    Map<String, Long> values = new HashMap<>();
    for (String word : line.substring(PREFIX.length()).trim().split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed Flink result field '" + word + "': " + line);
      }
      values.put(word.substring(0, eq), Long.parseLong(word.substring(eq + 1)));
    }
    return new FlinkResult(
        field(values, "rows", line),
        field(values, "window_events", line),
        field(values, "files_rows", line),
        field(values, "job_ms", line));
  }

  /**
   * Why this result is wrong for {@code loaded} events, or null when it is plausible: rows were
   * written, the windows hold between 90% and 100% of the events (about 1% of the records are
   * malformed, about 1% arrive too late for some of their windows), and the files, when written,
   * hold every row.
   */
  String problem(long loaded) {
    if (rows <= 0) {
      return "the Flink job wrote no rows";
    }
    if (windowEvents > loaded || windowEvents < loaded * 0.9) {
      return "the Flink job's windows hold "
          + windowEvents
          + " events of the "
          + loaded
          + " loaded";
    }
    if (filesRows >= 0 && filesRows != rows) {
      return "the Flink job emitted " + rows + " rows but its files hold " + filesRows;
    }
    return null;
  }

  private static long field(Map<String, Long> values, String name, String line) {
    Long v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("Flink result line without " + name + ": " + line);
    }
    return v;
  }
}
