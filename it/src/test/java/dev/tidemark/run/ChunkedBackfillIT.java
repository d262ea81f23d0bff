package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chunked backfill equals the unchunked one on the same range, row for row, also for events that
 * reached Kafka long after the end of their chunk (issue 14, finding 12). Before, each chunk read
 * Kafka timestamps only up to its own end plus the slack (15 minutes), so the two late events
 * below, 50 and 35 minutes late with one-hour chunks, were missing from the chunked backfill though
 * the unchunked one and bronze had them. From Kafka and from bronze.
 */
class ChunkedBackfillIT {
  private static final Instant FROM = Instant.parse("2026-05-04T12:00:00Z");
  private static final Instant TO = FROM.plus(Duration.ofHours(3));

  @Test
  void aChunkedBackfillEqualsTheUnchunkedOneIncludingEventsThatReachedKafkaLongAfterTheirChunk()
      throws Exception {
    CardPipelineFiles.CardLake cards = CardPipelineFiles.lake("chunked", 2, "update");
    String topic = cards.topic();
    TidemarkConfig config = cards.config();
    PipelineSpec pipeline = config.pipeline("cards-update").orElseThrow();

    // Given a transaction of card c-1 every 5 minutes from 12:00 to 14:55, on time,
    List<GeneratedEvent> events = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (Instant t = FROM; t.isBefore(TO); t = t.plus(Duration.ofMinutes(5))) {
      events.add(CardPipelineFiles.transaction("c-1", "1.00", t));
      expected.add("c-1 | " + sql(t) + " | 1 | 1.00");
    }
    // and three of card c-late that reached Kafka long after their event time: of 12:50 at 13:40
    // (first chunk, read to 13:15 before), of 13:59:30 at 14:35 (second chunk, read to 14:15),
    // and of 12:10 at 15:30, after the whole range's end plus the slack (in no backfill of it).
    events.add(late("7.00", "12:50:00", "13:40:00"));
    events.add(late("3.00", "13:59:30", "14:35:00"));
    events.add(late("9.00", "12:10:00", "15:30:00"));
    expected.add("c-late | 2026-05-04 12:50:00.0 | 1 | 7.00");
    expected.add("c-late | 2026-05-04 13:59:00.0 | 1 | 3.00");
    expected.sort(null);
    EventProducer.send(config.bootstrapServers(), topic, events);
    new BronzeIngest(TestSpark.session(), config)
        .start(List.of(topic), TriggerSpec.availableNowTrigger())
        .awaitTermination();

    WindowRange range = new WindowRange(FROM, TO, pipeline.window());
    for (ReplaySource source : ReplaySource.ofTopics()) {
      PipelineSpec whole = TestLake.variant(pipeline, "whole-" + source.label(), OutputMode.UPDATE);
      PipelineSpec chunked =
          TestLake.variant(pipeline, "chunked-" + source.label(), OutputMode.UPDATE);
      BackfillRunner runner = new BackfillRunner(TestSpark.session(), config, source);

      // when the range is backfilled at once and in one-hour chunks,
      runner.run(whole, range, null, c -> {});
      List<BackfillRunner.Chunk> chunks = runner.run(chunked, range, Duration.ofHours(1), c -> {});

      // then both have every window, the late events' included, and nothing else.
      assertEquals(3, chunks.size());
      assertEquals(expected, gold(config, whole), "unchunked, from " + source.label());
      assertEquals(expected, gold(config, chunked), "chunked, from " + source.label());
      assertEquals(
          List.of(13L, 13L, 12L),
          chunks.stream().map(c -> c.result().rowsWritten()).toList(),
          "rows per chunk, from " + source.label());
    }
  }

  /** Card c-late's transaction of {@code time} that reached Kafka at {@code arrived} (that day). */
  private static GeneratedEvent late(String amount, String time, String arrived) {
    Instant eventTime = Instant.parse("2026-05-04T" + time + "Z");
    GeneratedEvent e = CardPipelineFiles.transaction("c-late", amount, eventTime);
    return new GeneratedEvent(
        e.key(),
        e.value(),
        Instant.parse("2026-05-04T" + arrived + "Z").toEpochMilli(),
        eventTime,
        GeneratedEvent.Kind.LATE);
  }

  private static String sql(Instant t) {
    return t.toString().replace('T', ' ').replace("Z", ".0");
  }

  /** Card, window start, count and total of a pipeline's table. */
  private static List<String> gold(TidemarkConfig config, PipelineSpec spec) {
    return TestSpark.rows(
        TestSpark.table(config.tablePath(spec))
            .selectExpr("card_id", "window_start", "txn_count", "total_amount"));
  }
}
