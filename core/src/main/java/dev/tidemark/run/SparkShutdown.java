package dev.tidemark.run;

import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Stops Spark in order before a CLI process exits (issue 14, finding 13). Left to itself, the state
 * store's background maintenance (RocksDB snapshot uploads, deletion of old versions, on a timer of
 * {@code spark.sql.streaming.stateStore.maintenanceInterval}) keeps running after the session
 * stops: it then fails on the stopped SparkEnv, or works on a filesystem that Hadoop's shutdown
 * hook is closing, and a normal stop ends in warnings with stack traces (on s3a, errors about
 * RocksDB files). Here, while every filesystem is still open: the session's remaining queries stop,
 * then the state store's maintenance (its timer cancelled, the task in flight finished), then the
 * session. Maintenance is stopped with {@code StateStore.stopMaintenanceTask()}, not {@code
 * StateStore.stop()}: the latter clears the store's coordinator reference before it waits for the
 * maintenance pool, and a task in flight then waited on a lookup of the coordinator for the whole
 * shutdown timeout (300 s; CleanStopIT in CI, 2026-12-01). Pending snapshot uploads are dropped,
 * which is safe: the changelog files already committed are the state, a snapshot only shortens the
 * next start's replay. Only the process edge ({@code TidemarkCli.main}) calls this; commands run
 * in-process (the tests) leave the session up.
 */
public final class SparkShutdown {
  private SparkShutdown() {}

  /**
   * Stops the active or default session of this JVM, if any, and returns the exit code to use:
   * {@code exitCode} when the stop went well, 1 when it failed after a successful command (the
   * failure printed to {@code err}), so an error on stop is never reported as success. A JVM whose
   * commands made no session through {@link SparkSessionFactory} has none to stop.
   */
  public static int stop(int exitCode, PrintStream err) {
    if (!SparkSessionFactory.created()) {
      return exitCode; // no session was made: looking one up would initialise Spark's
    }
    SparkSession spark =
        SparkSession.getActiveSession()
            .getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    if (spark == null) {
      return exitCode;
    }
    try {
      for (StreamingQuery q : spark.streams().active()) {
        q.stop();
      }
      StateStore.stopMaintenanceTask();
      spark.stop();
      return exitCode;
    } catch (Exception e) {
      err.println("tidemark: stopping Spark failed: " + e);
      err.flush();
      return exitCode == 0 ? 1 : exitCode;
    }
  }
}
