package dev.tidemark.run;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.CardWindows;
import dev.tidemark.pipeline.SlicedAggregation;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Fraud detection: card velocity over sliding 10-minute windows, evaluated every minute. */
class CardVelocityIT extends SamplePipelineContract {
  @Override
  String pipelineName() {
    return "card-velocity";
  }

  @Override
  String countColumn() {
    return "txn_count";
  }

  @Test
  void aSmallShareOfWindowsIsFlaggedTheBurstsAndEachFlagHasAReason() {
    // The generator's cards pay a few times an hour and a few of them burst (D40): the stream
    // flags exactly the windows the rule flags when computed in plain Java, a small share of all.
    List<String> flagged =
        TestSpark.rows(
            streamTable()
                .where("flagged")
                .selectExpr(
                    "concat(card_id, ' ', date_format(window_start, \"yyyy-MM-dd'T'HH:mm:ss'Z'\"))"));
    long windows = streamTable().count();
    CardWindows expected = new CardWindows(sent);

    assertEquals(expected.flagged(), flagged);
    assertEquals(expected.windows(), windows);
    assertTrue(
        flagged.size() > 0 && flagged.size() < windows / 100,
        "flagged " + flagged.size() + " of " + windows);
    assertTrue(
        streamTable()
            .where("flagged AND txn_count < 12 AND total_amount < 1500 AND distinct_countries < 4")
            .isEmpty(),
        "a flag always has a reason");
  }

  @Test
  void aStreamOfManySmallBatchesWhoseSliceTableIsCompactedEqualsTheBackfill() throws Exception {
    // Given the same topic read 300 records per batch (10 batches) with the slice table compacted
    // every 3 batches, so compactions drop closed slices while windows are still open,
    PipelineSpec small = readBy("small-batches", 300);
    RunningPipeline run =
        new StreamRunner(spark, config)
            .compactingSlicesEvery(3)
            .start(small, TriggerSpec.availableNowTrigger());
    run.awaitTermination();
    assertTrue(run.gold().lastProgress().batchId() >= 8, "10 batches");
    io.delta.tables.DeltaTable slices =
        io.delta.tables.DeltaTable.forPath(
            spark, config.checkpointPath(small, StreamRunner.SLICES));
    assertEquals(
        3,
        slices
            .history()
            .where("operation = 'WRITE' AND operationParameters.mode = 'Overwrite'")
            .count(),
        "the slice table was compacted after batches 2, 5 and 8");

    // then its table equals the stream's of three batches, and so the backfill's, row for row.
    assertEquals(TestSpark.rows(streamTable()), TestSpark.rows(table(config.tablePath(small))));
  }

  @Test
  void aCatchUpBatchKeepsOnlyTheSlicesOfWindowsStillOpen() throws Exception {
    // Given the whole topic read in one batch (a catch-up after downtime),
    PipelineSpec catchUp = readBy("catch-up", 1000000);
    RunningPipeline run = caughtUp(catchUp);
    assertEquals(0, run.gold().lastProgress().batchId(), "one batch");

    // then its slice table holds the slices of the windows still open under the watermark that
    // batch moved to (at least the newest window's start less the delay), and none of the
    // windows it closed (it wrote those from memory),
    long watermark =
        table(config.tablePath(catchUp))
                .agg(org.apache.spark.sql.functions.max("window_start"))
                .first()
                .getTimestamp(0)
                .getTime()
            - catchUp.source().watermarkDelay().toMillis();
    SlicedAggregation aggregation = SlicedAggregation.analyze(spark, catchUp).aggregation();
    Row kept =
        io.delta.tables.DeltaTable.forPath(
                spark, config.checkpointPath(catchUp, StreamRunner.SLICES))
            .toDF()
            .agg(
                org.apache.spark.sql.functions.min(SlicedAggregation.SLICE),
                org.apache.spark.sql.functions.count("*"))
            .first();
    assertTrue(kept.getLong(1) > 0, "the open windows' slices are kept");
    assertTrue(
        kept.getTimestamp(0).getTime() >= aggregation.firstOpenWindow(watermark),
        "oldest slice kept " + kept.get(0) + ", watermark at least " + watermark);

    // and its table equals the backfill's, row for row.
    assertEquals(TestSpark.rows(streamTable()), TestSpark.rows(table(config.tablePath(catchUp))));
  }

  /** An update-mode variant of the pipeline that reads at most {@code records} per batch. */
  private PipelineSpec readBy(String name, int records) {
    return TestLake.variant(pipeline, name, OutputMode.UPDATE)
        .withSource(
            pipeline
                .source()
                .withOptions(java.util.Map.of("maxOffsetsPerTrigger", Integer.toString(records))));
  }

  /** Streams {@code spec} until it has read the whole topic. */
  private RunningPipeline caughtUp(PipelineSpec spec) throws Exception {
    RunningPipeline run =
        new StreamRunner(spark, config).start(spec, TriggerSpec.availableNowTrigger());
    run.awaitTermination();
    return run;
  }
}
