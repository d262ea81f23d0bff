package dev.tidemark.sink;

import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/** Starts a streaming query that writes a result frame to a Delta table. */
public interface StreamSink {
  StreamingQuery start(Dataset<Row> result, StreamTarget target) throws TimeoutException;

  /**
   * The id of the streaming query running the current micro-batch (it lives in the checkpoint, so
   * it survives restarts), for Delta's idempotent-write transaction ids; the checkpoint path of
   * {@code target} when Spark did not set it.
   */
  static String queryId(SparkSession spark, StreamTarget target) {
    // Set by Spark's StreamExecution on the threads that run a query's batches.
    String id = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
    return id != null ? id : target.checkpoint();
  }

  /** Applies the target's name, checkpoint and trigger to a writer. */
  static <T> DataStreamWriter<T> configure(DataStreamWriter<T> writer, StreamTarget target) {
    return writer
        .queryName(target.queryName())
        .option("checkpointLocation", target.checkpoint())
        .trigger(
            target.trigger().availableNow()
                ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(target.trigger().interval().toMillis()));
  }
}
