package dev.tidemark.flinkpeer;

import java.util.Locale;

/**
 * What {@link FlinkWindowJob} prints when it is done, as one line the bench parses.
 *
 * @param rows window rows the query emitted
 * @param windowEvents events counted in the windows (each event is in 10 windows)
 * @param filesRows rows in the committed output files; -1 for the blackhole sink
 * @param jobMillis Flink's net runtime of the job
 */
record JobResult(long rows, long windowEvents, long filesRows, long jobMillis) {
  static final String PREFIX = "FLINK_RESULT";

  String line() {
    return String.format(
        Locale.ROOT,
        "%s rows=%d window_events=%d files_rows=%d job_ms=%d",
        PREFIX,
        rows,
        windowEvents,
        filesRows,
        jobMillis);
  }
}
