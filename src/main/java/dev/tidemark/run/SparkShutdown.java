package dev.tidemark.run;

import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Stops Spark in order before a CLI process exits (issue 14, finding 13). Left to the JVM's
 * shutdown hooks, the state store's background maintenance (RocksDB snapshot uploads, deletion of
 * old versions) can still run while Hadoop's hook closes the cached filesystems, and a normal stop
 * ends in warnings and errors on s3a. Here, while every filesystem is still open: the session's
 * remaining queries stop, then the session. The state store is not stopped here: {@code
 * StateStore.stop()} clears its coordinator reference before it waits for its maintenance pool, and
 * a maintenance task in flight then waited on a lookup of the coordinator for the whole shutdown
 * timeout (300 s) and ended in an ERROR on s3a (CleanStopIT in CI, 2026-12-01). Only the process
 * edge ({@code TidemarkCli.main}) calls this; commands run in-process (the tests) leave the session
 * up.
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
      spark.stop();
      return exitCode;
    } catch (Exception e) {
      err.println("tidemark: stopping Spark failed: " + e);
      err.flush();
      return exitCode == 0 ? 1 : exitCode;
    }
  }
}
