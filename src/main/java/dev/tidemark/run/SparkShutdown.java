package dev.tidemark.run;

import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Stops Spark in order before a CLI process exits (issue 14, finding 13). Left to the JVM's
 * shutdown hooks, the state store's background maintenance (RocksDB snapshot uploads, deletion of
 * old versions) can still run while Hadoop's hook closes the cached filesystems, and a normal stop
 * ends in warnings and errors on s3a. Here, while every filesystem is still open: the session's
 * remaining queries stop, the state store unloads its providers and stops its maintenance (waiting
 * for work in flight, up to {@code spark.sql.streaming.stateStore.maintenanceShutdownTimeout}),
 * then the session stops. Only the process edge ({@code TidemarkCli.main}) calls this; commands run
 * in-process (the tests) leave the session up.
 */
public final class SparkShutdown {
  private SparkShutdown() {}

  /**
   * Stops the active or default session of this JVM, if any, and returns the exit code to use:
   * {@code exitCode} when the stop went well, 1 when it failed after a successful command (the
   * failure printed to {@code err}), so an error on stop is never reported as success.
   */
  public static int stop(int exitCode, PrintStream err) {
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
      StateStore.stop();
      spark.stop();
      return exitCode;
    } catch (Exception e) {
      err.println("tidemark: stopping Spark failed: " + e);
      err.flush();
      return exitCode == 0 ? 1 : exitCode;
    }
  }
}
