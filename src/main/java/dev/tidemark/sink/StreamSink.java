package dev.tidemark.sink;

import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/** Starts a streaming query that writes a result frame to a Delta table. */
public interface StreamSink {
  StreamingQuery start(Dataset<Row> result, StreamTarget target) throws TimeoutException;

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
