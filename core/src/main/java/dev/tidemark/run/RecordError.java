package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkThrowable;

/**
 * A pipeline's query failed because evaluating its SQL raised a data error on a record (with ANSI
 * SQL: a failed cast, a division by zero, an overflow; SQLSTATE class 22). Restarting replays the
 * same micro-batch and fails again, so the stream stops with its own exit code and a message that
 * names the batch's Kafka records and the two ways on: fix the SQL, or quarantine such records with
 * an expectation (checked before the SQL, with try semantics).
 *
 * <p>The message names the failed batch's offset range per partition, not the one record: finding
 * it would mean running the SQL again record by record, and the range is what an operator needs to
 * read the records ({@code kafka-console-consumer --partition P --offset A --max-messages N}).
 */
public final class RecordError {
  /** SQLSTATE class 22: data exception (cast, arithmetic, conversion of a value). */
  private static final String DATA_EXCEPTION = "22";

  private RecordError() {}

  /** The stream stopped on a record its SQL cannot evaluate; restarting alone will not help. */
  public static final class StreamStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StreamStopped(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * When {@code failure} (the failure of a query of {@code spec}) is a data error raised while
   * evaluating a record, the explanation; otherwise empty.
   */
  public static Optional<StreamStopped> explain(
      QueryGroup.QueryFailedException failure,
      PipelineSpec spec,
      TidemarkConfig config,
      Configuration hadoop) {
    Optional<SparkThrowable> data = dataError(failure.getCause());
    if (data.isEmpty()) {
      return Optional.empty();
    }
    String query = failure.query();
    String checkpoint =
        config.checkpointPath(
            spec,
            query.endsWith("-" + StreamRunner.QUARANTINE_QUERY)
                ? StreamRunner.QUARANTINE_QUERY
                : StreamRunner.GOLD_QUERY);
    String records =
        FailedBatch.in(hadoop, checkpoint)
            .map(
                b ->
                    "a record of micro-batch "
                        + b.batchId()
                        + ", which read "
                        + b.describe()
                        + " (the batch's range; the record itself is not located)")
            .orElse("a record of the micro-batch it was running (checkpoint " + checkpoint + ")");
    return Optional.of(
        new StreamStopped(
            failure.getMessage()
                + "\nThe SQL of pipeline "
                + spec.name()
                + " raised a data error (SQLSTATE "
                + data.get().getSqlState()
                + ") on "
                + records
                + ". A restart replays the same batch and fails the same way. Either fix the SQL ("
                + spec.sqlFile()
                + ") so that it cannot raise on such a record (try_cast, try_divide, try_add, ...)"
                + " and restart: the batch is replayed with the fixed SQL; or skip such records:"
                + " add an expectation that rejects them, e.g. expectations { castable ="
                + " \"try_cast(FIELD AS INT) IS NOT NULL\" } in "
                + spec.file()
                + ", and restart: expectations are checked before the SQL, so those records go to"
                + " LAKE/quarantine/"
                + spec.name()
                + " and the stream moves on.",
            failure.getCause()));
  }

  /** The Spark error with a data-exception SQLSTATE in a failure's causes, if any. */
  static Optional<SparkThrowable> dataError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkThrowable s
          && s.getSqlState() != null
          && s.getSqlState().startsWith(DATA_EXCEPTION)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
