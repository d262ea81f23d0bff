package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.sink.DeltaAppendSink;
import dev.tidemark.sink.DeltaTableInit;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The aggregation state of a sliced stream: a Delta table of slice rows (see {@link
 * SlicedAggregation}) beside the query's checkpoint, so that it lives and dies with it. Each
 * micro-batch appends the slices of its events exactly once (Delta transaction id = query id and
 * batch id, so a replayed batch is skipped), and the windows a batch touches are rolled up from it.
 * {@link #compact} merges the rows of each key and slice and drops the slices of windows the
 * watermark has closed, so the table holds about one window length of slices.
 */
final class SliceTable {
  private static final String SEED_APP_ID = "tidemark reset";

  private final SparkSession spark;
  private final String path;
  private final SlicedAggregation aggregation;

  SliceTable(SparkSession spark, String path, SlicedAggregation aggregation) {
    this.spark = spark;
    this.path = path;
    this.aggregation = aggregation;
  }

  /** Creates the table, empty, if it is missing. */
  void ensure(Dataset<Row> slices) {
    DeltaTableInit.ensure(spark, path, slices.schema(), List.of());
  }

  /** Appends a batch's slice rows once: a replay of the same batch of the same query is skipped. */
  void append(Dataset<Row> slices, String queryId, long batchId) {
    DeltaAppendSink.appendOnce(slices, path, queryId, batchId);
  }

  /**
   * The table version a batch's roll-up reads besides its own slices: the version just before the
   * batch's slice append committed when it did (a replay after a crash, possibly after that batch's
   * compaction too), else the latest. Either way the slices of earlier batches, without this one's.
   */
  long versionBefore(long batchId) {
    String batch = DeltaAppendSink.streamBatch(batchId);
    // A batch commits at most a slice append and a compaction, so its append is among the last 3.
    List<Row> recent =
        DeltaTable.forPath(spark, path)
            .history(3)
            .select("version", "operation", "userMetadata")
            .collectAsList();
    for (Row commit : recent) {
      if ("WRITE".equals(commit.getString(1)) && batch.equals(commit.getString(2))) {
        return commit.getLong(0) - 1;
      }
    }
    return recent.stream().mapToLong(r -> r.getLong(0)).max().orElseThrow();
  }

  /**
   * Writes the slices a full refresh leaves open ({@link PipelineReset}), once: its commit is not a
   * stream batch's, so {@link #versionBefore} counts it among the earlier slices.
   */
  void seed(Dataset<Row> slices) {
    DeltaAppendSink.appendOnce(slices, path, SEED_APP_ID, 0, SEED_APP_ID);
  }

  /**
   * The slice rows of the windows starting in {@code [fromMs, toMs)}, at table version {@code
   * version}.
   */
  Dataset<Row> ofWindows(long fromMs, long toMs, long version) {
    long[] slices = aggregation.slicesOfWindows(fromMs, toMs);
    return spark
        .read()
        .format("delta")
        .option("versionAsOf", version)
        .load(path)
        .where(
            col(SlicedAggregation.SLICE)
                .geq(lit(new Timestamp(slices[0])))
                .and(col(SlicedAggregation.SLICE).lt(lit(new Timestamp(slices[1])))));
  }

  /**
   * Rewrites the table as one row per key and slice, keeping only slices from {@code keepFromMs}
   * on. Idempotent: the rows it writes merge to what was there, so a replayed batch that compacts
   * again changes nothing the roll-up can see.
   */
  void compact(long keepFromMs) {
    Dataset<Row> live =
        spark
            .read()
            .format("delta")
            .load(path)
            .where(col(SlicedAggregation.SLICE).geq(lit(new Timestamp(keepFromMs))));
    aggregation.compact(live).write().format("delta").mode(SaveMode.Overwrite).save(path);
  }
}
