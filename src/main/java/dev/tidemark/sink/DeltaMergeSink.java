package dev.tidemark.sink;

import io.delta.tables.DeltaTable;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Update mode: every micro-batch MERGEs the windows it changed into the table on the target's keys
 * (update when the key exists, insert otherwise), so open windows are visible early and converge to
 * their final values.
 *
 * <p>Idempotent on replay: each MERGE carries Delta's transaction id ({@code txnAppId} = the
 * streaming query's id, which lives in its checkpoint; {@code txnVersion} = the batch id); when a
 * restarted query replays a batch that already committed, Delta skips it. A new checkpoint means a
 * new query id, so a stream started afresh is never mistaken for a replay.
 */
public final class DeltaMergeSink implements StreamSink {
  private static final String TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  private static final String TXN_VERSION = "spark.databricks.delta.write.txnVersion";

  @Override
  public StreamingQuery start(Dataset<Row> result, StreamTarget target) throws TimeoutException {
    return StreamSink.configure(result.writeStream(), target)
        .outputMode("update")
        .foreachBatch(mergeInto(target))
        .start();
  }

  static VoidFunction2<Dataset<Row>, Long> mergeInto(StreamTarget target) {
    String path = target.tablePath();
    String condition =
        target.keys().stream()
            .map(k -> "t.`" + k + "` <=> s.`" + k + "`")
            .collect(Collectors.joining(" AND "));
    return (batch, batchId) -> {
      SparkSession spark = batch.sparkSession();
      batch.persist();
      try {
        if (batch.isEmpty()) {
          return;
        }
        Column match = functions.expr(condition);
        // Name the batch's partitions in the condition, so the MERGE reads only those files and
        // never conflicts with compaction of partitions the watermark has closed.
        for (String p : target.partitionBy()) {
          Object[] values =
              batch.select(p).distinct().collectAsList().stream().map(r -> r.get(0)).toArray();
          match = match.and(functions.col("t." + p).isin(values));
        }
        spark.conf().set(TXN_APP_ID, StreamSink.queryId(spark, target));
        spark.conf().set(TXN_VERSION, Long.toString(batchId));
        DeltaTable.forPath(spark, path)
            .as("t")
            .merge(batch.as("s"), match)
            .whenMatched()
            .updateAll()
            .whenNotMatched()
            .insertAll()
            .execute();
      } finally {
        spark.conf().unset(TXN_APP_ID);
        spark.conf().unset(TXN_VERSION);
        batch.unpersist();
      }
    };
  }
}
