package dev.tidemark.sink;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
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
        // One job: is the batch empty, which partitions and which window starts it touches.
        List<Column> summary = new ArrayList<>();
        summary.add(functions.count(functions.lit(1)));
        for (String p : target.partitionBy()) {
          summary.add(functions.collect_set(functions.col(p)));
        }
        String range = target.windowStartKey();
        if (range != null) {
          summary.add(functions.min(functions.col(range)));
          summary.add(functions.max(functions.col(range)));
        }
        Row s =
            batch
                .agg(summary.get(0), summary.subList(1, summary.size()).toArray(new Column[0]))
                .first();
        if (s.getLong(0) == 0) {
          return;
        }
        Column match = functions.expr(condition);
        // Name the batch's partitions in the condition, so the MERGE reads only those files and
        // never conflicts with compaction of partitions the watermark has closed.
        int i = 1;
        for (String p : target.partitionBy()) {
          match = match.and(functions.col("t." + p).isin(s.getList(i++).toArray()));
        }
        // And the batch's window starts: Delta skips the files whose window starts all lie
        // outside (file statistics), so a batch of recent windows does not read the whole day.
        if (range != null) {
          match =
              match.and(
                  functions
                      .col("t." + range)
                      .between(functions.lit(s.get(i)), functions.lit(s.get(i + 1))));
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
