package dev.tidemark.sink;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Batch writes for backfills: atomically replaces the rows matching a predicate (Delta {@code
 * replaceWhere}) with the given rows, in one commit. Running the same replacement twice leaves the
 * same content; readers see either the old rows or the new ones, never a mix.
 */
public final class DeltaReplaceSink {
  private DeltaReplaceSink() {}

  public static void replace(Dataset<Row> rows, String tablePath, String predicate) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", predicate)
        .save(tablePath);
  }

  /**
   * {@link #replace}, once per streaming batch: Delta records the transaction id ({@code appId},
   * {@code version}) in the commit and skips a replay of a version it has.
   */
  public static void replace(
      Dataset<Row> rows, String tablePath, String predicate, String appId, long version) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", predicate)
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .option("userMetadata", DeltaAppendSink.streamBatch(version))
        .save(tablePath);
  }
}
