package dev.tidemark.sink;

import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Append mode through Delta's streaming sink: each window is written once, when the watermark has
 * passed its end, so the table holds only final rows. Exactly-once: Delta records the query's batch
 * id in the commit and skips a batch it already has on replay.
 *
 * <p>Known gap: windows the watermark has not passed yet (the newest ones) are not in the table;
 * with an {@code available-now} trigger they are written only by a later run that sees newer
 * events. Use {@code update} mode to see open windows.
 */
public final class DeltaAppendSink implements StreamSink {
  @Override
  public StreamingQuery start(Dataset<Row> result, StreamTarget target) throws TimeoutException {
    return StreamSink.configure(result.writeStream(), target)
        .format("delta")
        .outputMode("append")
        .partitionBy(target.partitionBy().toArray(String[]::new))
        .start(target.tablePath());
  }

  /**
   * Appends rows to a Delta table once per streaming batch: Delta records the transaction id
   * ({@code appId}, {@code version}) in the commit and skips a replay of a version it has.
   */
  public static void appendOnce(Dataset<Row> rows, String path, String appId, long version) {
    appendOnce(rows, path, appId, version, streamBatch(version));
  }

  /** {@link #appendOnce}, with the given user metadata in the commit. */
  public static void appendOnce(
      Dataset<Row> rows, String path, String appId, long version, String userMetadata) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .option("userMetadata", userMetadata)
        .save(path);
  }

  /**
   * The commit's user metadata for a streaming batch's write, in the table history: how a reader
   * (the pipeline-health notebook) tells a stream's commits from a backfill's.
   */
  public static String streamBatch(long version) {
    return "tidemark stream batch " + version;
  }
}
