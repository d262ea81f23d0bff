package dev.tidemark.run;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TriggerSpec;
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
  void hotCardsAreFlagged() {
    long flagged = streamTable().where("flagged").count();
    long quiet = streamTable().where("NOT flagged").count();
    assertTrue(flagged > 0 && quiet > 0, "flagged " + flagged + ", not flagged " + quiet);
    assertTrue(
        streamTable()
            .where("flagged AND txn_count < 12 AND total_amount < 1500 AND distinct_countries < 4")
            .isEmpty(),
        "a flag always has a reason");
  }

  @Test
  void aStreamOfManySmallBatchesWhoseSliceTableIsCompactedEqualsTheBackfill() throws Exception {
    // Given the same topic read 100 records per batch: 30 batches, so the slice table is
    // compacted (every 20 batches) while windows are still open,
    PipelineSpec small =
        TestLake.variant(pipeline, "small-batches", OutputMode.UPDATE)
            .withSource(
                pipeline.source().withOptions(java.util.Map.of("maxOffsetsPerTrigger", "100")));
    RunningPipeline run =
        new StreamRunner(spark, config).start(small, TriggerSpec.availableNowTrigger());
    run.awaitTermination();
    assertTrue(run.gold().lastProgress().batchId() >= SlicedStream.COMPACT_EVERY_BATCHES);
    io.delta.tables.DeltaTable slices =
        io.delta.tables.DeltaTable.forPath(
            spark, config.checkpointPath(small, StreamRunner.SLICES));
    assertFalse(
        slices
            .history()
            .where("operation = 'WRITE' AND operationParameters.mode = 'Overwrite'")
            .isEmpty(),
        "the slice table was compacted");

    // then its table equals the stream's of three batches, and so the backfill's, row for row.
    assertEquals(TestSpark.rows(streamTable()), TestSpark.rows(table(config.tablePath(small))));
  }
}
