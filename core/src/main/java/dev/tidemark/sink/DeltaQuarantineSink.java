package dev.tidemark.sink;

import dev.tidemark.ops.BatchCounts;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Appends rejected records to the quarantine table, exactly once (Delta transaction id = query id
 * and batch id, so a replayed batch is skipped), and reports how many each batch wrote to the
 * metrics.
 */
public final class DeltaQuarantineSink implements StreamSink {
  @Override
  public StreamingQuery start(Dataset<Row> rejected, StreamTarget target) throws TimeoutException {
    String path = target.tablePath();
    return StreamSink.configure(rejected.writeStream(), target)
        .outputMode("append")
        .foreachBatch(
            (Dataset<Row> batch, Long batchId) -> {
              String queryId = StreamSink.queryId(batch.sparkSession(), target);
              batch.persist();
              try {
                long rows = batch.count();
                if (rows > 0) {
                  DeltaAppendSink.appendOnce(batch, path, queryId, batchId);
                }
                // Rejected records only reach this query: what it read is in Spark's report.
                BatchCounts.record(queryId, batchId, new BatchCounts.Counts(-1, rows, null, null));
              } finally {
                batch.unpersist();
              }
            })
        .start();
  }
}
