package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.pipeline.LateRecords.WatermarkStep;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The stream's watermark over time, as repair reads it from the metrics table, and the late events
 * of hand-built bronze records of card-velocity (watermark delay 5 minutes, windows sliding every
 * minute).
 */
class LateRecordsTest {
  static final PipelineSpec CARDS = TestSpark.localConfig().pipeline("card-velocity").orElseThrow();
  static final StructType BRONZE =
      EventDecoderTest.KAFKA.add(BronzeRecords.INGEST_TIME, DataTypes.TimestampType);

  /**
   * A record: the card event at {@code eventTime} (null: malformed), reached Kafka at {@code at}.
   */
  static Row record(long offset, String eventTime, String at, String ingested) {
    String value =
        eventTime == null
            ? "{\"card_id\":"
            : "{\"card_id\":\"c1\",\"amount\":1.00,\"event_time\":\"" + eventTime + "\"}";
    return RowFactory.create(
        null,
        value.getBytes(StandardCharsets.UTF_8),
        "cards",
        0,
        offset,
        Timestamp.from(Instant.parse(at)),
        0,
        Timestamp.from(Instant.parse(ingested)));
  }

  static Dataset<Row> decoded(Row... records) {
    return EventDecoder.of(CARDS)
        .decode(TestSpark.session().createDataFrame(List.of(records), BRONZE));
  }

  @Test
  void anEventIsLateByArrivalWhenItTrailsItsKafkaTimestampByMoreThanTheWatermarkDelay() {
    Dataset<Row> decoded =
        decoded(
            record(0, "2026-03-01T12:00:00Z", "2026-03-01T12:05:00Z", "2026-03-01T12:05:01Z"),
            record(1, "2026-03-01T12:00:00Z", "2026-03-01T12:05:00.001Z", "2026-03-01T12:05:01Z"),
            record(2, "2026-03-01T12:00:00Z", "2026-03-01T12:20:00Z", "2026-03-01T12:20:01Z"),
            record(3, null, "2026-03-01T12:30:00Z", "2026-03-01T12:30:01Z"),
            record(4, "2026-03-01T12:10:00Z", "2026-03-01T12:10:02Z", "2026-03-01T12:10:03Z"));
    // 0 trails by exactly the delay (not late), 3 is rejected (never late), 4 is on time.
    assertEquals(
        List.of(
            "cards | 2026-03-01 12:05:00.001 | 2026-03-01 12:00:00.0 | 2026-03-01 12:05:01.0",
            "cards | 2026-03-01 12:20:00.0 | 2026-03-01 12:00:00.0 | 2026-03-01 12:20:01.0"),
        TestSpark.rows(LateRecords.find(decoded, CARDS.source())));
  }

  @Test
  void anEventIsLateWhenItsFirstWindowEndedAtOrBeforeTheWatermarkOfTheBatchThatReadIt() {
    // A producer's clock ran ahead: from 12:10 on, every batch ran with a watermark of 12:20.
    List<WatermarkStep> steps =
        List.of(
            new WatermarkStep(
                Instant.parse("2026-03-01T12:10:00Z"), Instant.parse("2026-03-01T12:20:00Z")));
    Dataset<Row> decoded =
        decoded(
            // On time by arrival (2.5 minutes), read after the step: window [12:08, 12:09) closed.
            record(0, "2026-03-01T12:08:00Z", "2026-03-01T12:10:30Z", "2026-03-01T12:10:31Z"),
            // Reached Kafka before the step: no watermark known for its batch.
            record(1, "2026-03-01T12:08:00Z", "2026-03-01T12:09:30Z", "2026-03-01T12:09:31Z"),
            // First window [12:20, 12:21) ends after the watermark.
            record(2, "2026-03-01T12:20:30Z", "2026-03-01T12:20:40Z", "2026-03-01T12:20:41Z"),
            // First window [12:19, 12:20) ends at the watermark: closed.
            record(3, "2026-03-01T12:19:00Z", "2026-03-01T12:20:40Z", "2026-03-01T12:20:41Z"));
    assertEquals(
        List.of(
            "cards | 2026-03-01 12:10:30.0 | 2026-03-01 12:08:00.0 | 2026-03-01 12:10:31.0",
            "cards | 2026-03-01 12:20:40.0 | 2026-03-01 12:19:00.0 | 2026-03-01 12:20:41.0"),
        TestSpark.rows(LateRecords.find(decoded, CARDS.source(), CARDS.window(), steps)));
  }

  @Test
  void lateEventsAreCountedPerTopicAndSlotOfTheWindowSlide() {
    Dataset<Row> decoded =
        decoded(
            record(0, "2026-03-01T12:00:10Z", "2026-03-01T12:10:00Z", "2026-03-01T12:10:01Z"),
            record(1, "2026-03-01T12:00:50Z", "2026-03-01T12:12:00Z", "2026-03-01T12:12:05Z"),
            record(2, "2026-03-01T12:01:00Z", "2026-03-01T12:30:00Z", "2026-03-01T12:30:01Z"));
    // topic | slot | records | max_kafka_timestamp | min_ingest_time
    assertEquals(
        List.of(
            "cards | 2026-03-01 12:00:00.0 | 2 | 2026-03-01 12:12:00.0 | 2026-03-01 12:10:01.0",
            "cards | 2026-03-01 12:01:00.0 | 1 | 2026-03-01 12:30:00.0 | 2026-03-01 12:30:01.0"),
        TestSpark.rows(
            LateRecords.slots(LateRecords.find(decoded, CARDS.source()), CARDS.window())));
  }

  private static Instant t(int minute) {
    return Instant.parse("2026-11-25T10:00:00Z").plusSeconds(60L * minute);
  }

  private static WatermarkStep step(int ended, int watermark) {
    return new WatermarkStep(t(ended), t(watermark));
  }

  @Test
  void stepsKeepTheRisesTheLastBeforeTheFirstArrivalAndEveryOneAfter() {
    List<WatermarkStep> batches =
        List.of(
            step(5, 1),
            step(1, 0),
            step(3, 0),
            step(7, 1),
            step(9, 300),
            step(11, 290),
            step(13, 301));
    // Arrivals from minute 6: the step at 5 is the last before them; 7 and 11 do not rise.
    assertEquals(
        List.of(step(5, 1), step(9, 300), step(13, 301)), LateRecords.steps(batches, t(6)));
    assertEquals(List.of(step(9, 300), step(13, 301)), LateRecords.steps(batches, t(10)));
    assertEquals(List.of(), LateRecords.steps(List.of(), t(10)));
  }

  @Test
  void manyStepsAreThinnedKeepingTheFirstAndTheLast() {
    List<WatermarkStep> batches = new ArrayList<>();
    for (int i = 0; i < 3 * LateRecords.MAX_STEPS; i++) {
      batches.add(step(i, i));
    }
    List<WatermarkStep> steps = LateRecords.steps(batches, t(0));
    assertEquals(LateRecords.MAX_STEPS, steps.size());
    assertEquals(step(0, 0), steps.get(0));
    assertEquals(batches.get(batches.size() - 1), steps.get(steps.size() - 1));
  }
}
