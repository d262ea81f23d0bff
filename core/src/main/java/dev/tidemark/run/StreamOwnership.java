package dev.tidemark.run;

import io.delta.tables.DeltaTable;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses to start a streaming query over a table that another streaming query has written: the
 * checkpoint that wrote it is gone (deleted, moved, a renamed pipeline, a changed {@code
 * tidemark.checkpoints}), and a query started from an empty checkpoint would read the topic from
 * its earliest offset again with a new query id, so Delta's transaction ids would not recognise its
 * batches as replays: appends twice, quarantine rows twice, MERGEs of partial aggregates over
 * complete rows.
 *
 * <p>"Written by another query", precisely: every streaming write of Tidemark (Delta's streaming
 * sink for bronze and stateful append mode, {@code appendOnce} and {@code replace} in a sliced
 * stream, the MERGE of stateful update mode) carries Delta's transaction id, whose application id
 * is the streaming query's id (kept in the checkpoint's {@code metadata} file); Delta keeps the
 * latest version of every application id in the table's snapshot. A table has been written by
 * another query when its snapshot has such an application id and none of them is the id of the
 * checkpoint the query would start from (or that checkpoint has no id yet: it is empty or missing).
 * Backfills and repairs write without a transaction id, so a table they alone wrote is not refused.
 */
public final class StreamOwnership {
  private StreamOwnership() {}

  /** A stream would start over a table another query wrote; nothing was started. */
  public static final class ForeignTableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ForeignTableException(String message) {
      super(message);
    }
  }

  /**
   * Throws {@link ForeignTableException} when the Delta table at {@code table} was written by a
   * streaming query other than the one whose checkpoint is {@code checkpoint}.
   *
   * @param what the table for the message, e.g. "gold table of pipeline cards"
   * @param wayOut what the user can do, one or more sentences
   */
  public static void refuseForeignTable(
      SparkSession spark, String what, String table, String checkpoint, String wayOut) {
    refuseForeignTable(spark, what, table, checkpoint, Set.of(), wayOut);
  }

  /**
   * {@link #refuseForeignTable(SparkSession, String, String, String, String)}, not counting the
   * writers a full refresh retired ({@link PipelineReset}).
   */
  public static void refuseForeignTable(
      SparkSession spark,
      String what,
      String table,
      String checkpoint,
      Set<String> retired,
      String wayOut) {
    Set<String> writers = new TreeSet<>(streamWriters(spark, table));
    writers.removeAll(retired);
    if (writers.isEmpty()) {
      return;
    }
    Optional<String> id =
        StreamCheckpoint.queryId(spark.sparkContext().hadoopConfiguration(), checkpoint);
    if (id.isPresent() && writers.contains(id.get())) {
      return;
    }
    throw new ForeignTableException(
        what
            + " "
            + table
            + " has data written by the streaming "
            + (writers.size() == 1 ? "query " : "queries ")
            + String.join(", ", writers)
            + ", but the checkpoint "
            + checkpoint
            + (id.isPresent()
                ? " belongs to another query (" + id.get() + ")"
                : " is empty or missing")
            + ": starting from it would read the topic from the earliest offset again and write"
            + " what the table already has a second time. Nothing was started. "
            + wayOut);
  }

  /**
   * The application ids of the streaming writes a Delta table has had (empty when there is no table
   * at {@code path}).
   */
  static Set<String> streamWriters(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Set.of();
    }
    DeltaLog log = DeltaLog.forTable(spark, path);
    return new TreeSet<>(
        CollectionConverters.asJava(
                log.update(false, Option.empty(), Option.empty()).transactions())
            .keySet());
  }
}
