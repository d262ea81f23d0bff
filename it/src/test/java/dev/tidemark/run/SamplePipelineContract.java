package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.pipeline.WindowRange;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every sample pipeline must do, against the real embedded broker and real Delta tables. Given
 * 40 minutes of generated on-time events (with a share of malformed records) on the pipeline's
 * topic, when the stream runs in update mode until caught up (several micro-batches), then the
 * properties below hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SamplePipelineContract {
  static final Instant START = Instant.parse("2026-01-05T08:00:00Z");
  static final Duration SPAN = Duration.ofMinutes(40);
  static final int EVENTS = 3000;
  static final int BATCH = 1000;

  SparkSession spark;
  TidemarkConfig config;
  PipelineSpec pipeline;
  PipelineSpec stream;
  List<GeneratedEvent> sent;

  /** The sample pipeline under test. */
  abstract String pipelineName();

  /** The result column counting events per window. */
  abstract String countColumn();

  @BeforeAll
  void givenOnTimeEventsStreamedInUpdateModeUntilCaughtUp() throws Exception {
    spark = TestSpark.session();
    config = TestLake.fresh(pipelineName());
    pipeline = TestLake.ownTopic(config.pipeline(pipelineName()).orElseThrow(), BATCH);
    stream = TestLake.variant(pipeline, "stream", OutputMode.UPDATE);
    sent =
        SampleEvents.generate(
            pipeline.generator(), GeneratorSettings.of(START, SPAN, EVENTS, 7).onTimeOnly());
    EventProducer.send(config.bootstrapServers(), pipeline.source().topics().get(0), sent);
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
  }

  long sentOf(GeneratedEvent.Kind kind) {
    return sent.stream().filter(e -> e.kind() == kind).count();
  }

  /**
   * The on-time events sent, parsed with the pipeline's schema apart from the pipeline (no decoder,
   * no SQL): the input from which a test works out what the table must hold.
   */
  Dataset<Row> sentOnTimeEvents() {
    List<String> payloads =
        sent.stream()
            .filter(e -> e.kind() == GeneratedEvent.Kind.ON_TIME)
            .map(e -> new String(e.value(), StandardCharsets.UTF_8))
            .toList();
    return spark
        .read()
        .schema(pipeline.source().schemaDdl())
        .json(spark.createDataset(payloads, Encoders.STRING()));
  }

  Dataset<Row> streamTable() {
    return table(config.tablePath(stream));
  }

  @Test
  void everyOnTimeEventIsCountedInEachWindowThatCoversIt() {
    long windowsPerEvent =
        pipeline.window().size().toMillis() / pipeline.window().slide().toMillis();
    long counted = streamTable().agg(functions.sum(countColumn())).first().getLong(0);

    assertEquals(sentOf(GeneratedEvent.Kind.ON_TIME) * windowsPerEvent, counted);
  }

  @Test
  void malformedRecordsAreQuarantinedWithAReasonAndReadEqualsAcceptedPlusQuarantined() {
    Dataset<Row> quarantine = table(config.quarantinePath(stream));
    long quarantined = quarantine.count();
    List<String> reasons = rows(quarantine.select("reason").distinct());

    assertTrue(sentOf(GeneratedEvent.Kind.MALFORMED) > 0, "the generator sends malformed records");
    assertEquals(sentOf(GeneratedEvent.Kind.MALFORMED), quarantined);
    assertEquals(
        0,
        quarantine.where("reason IS NULL OR value IS NULL AND reason <> 'empty payload'").count());
    assertTrue(reasons.size() >= 3, "several kinds of bad records: " + reasons);
    assertEquals(sent.size(), sentOf(GeneratedEvent.Kind.ON_TIME) + quarantined);
  }

  @Test
  void backfillOverTheSameRangeEqualsTheStreamRowForRow() {
    PipelineSpec backfill = TestLake.variant(pipeline, "backfill", OutputMode.UPDATE);
    WindowRange everything =
        WindowRange.covering(
            START.minus(pipeline.window().size()),
            START.plus(SPAN).plus(pipeline.window().size()),
            pipeline.window());

    new BackfillRunner(spark, config).run(backfill, everything);

    List<String> streamed = rows(streamTable());
    assertFalse(streamed.isEmpty());
    assertEquals(streamed, rows(table(config.tablePath(backfill))));
  }

  @Test
  void runningOneBackfillTwiceGivesTheSameRowsOneNewVersionPerRunAndNoDuplicateKeys() {
    PipelineSpec rerun = TestLake.variant(pipeline, "rerun", OutputMode.UPDATE);
    WindowRange firstHalf =
        WindowRange.covering(START, START.plus(SPAN.dividedBy(2)), pipeline.window());
    BackfillRunner runner = new BackfillRunner(spark, config);

    BackfillRunner.Result first = runner.run(rerun, firstHalf);
    List<String> afterFirst = rows(table(config.tablePath(rerun)));
    BackfillRunner.Result second = runner.run(rerun, firstHalf);
    List<String> afterSecond = rows(table(config.tablePath(rerun)));

    assertFalse(afterFirst.isEmpty());
    assertEquals(afterFirst, afterSecond);
    assertEquals(first.tableVersion() + 1, second.tableVersion());
    assertEquals(
        second.tableVersion(),
        DeltaTable.forPath(spark, config.tablePath(rerun)).history().count() - 1);
    String[] keys = pipeline.sink().keys().toArray(String[]::new);
    assertEquals(
        0,
        table(config.tablePath(rerun))
            .groupBy(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length))
            .count()
            .where("count > 1")
            .count());
  }
}
