package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Session windows end to end on the real broker: an append-mode pipeline grouping by {@code
 * session_window} runs on Spark's stateful aggregation (it has no sliced form), and a backfill from
 * Kafka writes the same sessions as the stream, including a session that goes on long after the
 * backfill range's end plus one gap. Before, the backfill wrote that session cut short: 8
 * transactions ending 12:34 instead of 11 ending 12:46 (Spark pushed the filter on the range's
 * session starts below the merge of sessions, dropping every event from the range's end on; and the
 * read stopped one gap after the range's end anyway). Update mode is refused by validate (Spark's
 * own check). A backfill from bronze writes them too.
 */
class SessionWindowIT {
  static final String SQL =
      """
      SELECT card_id, session_window.start AS window_start, session_window.end AS window_end,
             to_date(session_window.start) AS window_date,
             count(*) AS txn_count, sum(amount) AS total_amount
      FROM events GROUP BY card_id, session_window(event_time, '5 minutes')
      """;

  @Test
  void aBackfillOfSessionWindowsWritesTheSessionsTheStreamWrote() throws Exception {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("sessions");
    String topic = "sessions-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    PipelineSpec sample = config.pipeline("card-velocity").orElseThrow();
    PipelineSpec pipeline =
        sample
            .withSource(sample.source().withTopics(List.of(topic)).withOptions(Map.of()))
            .withSql(SQL)
            .withWindow(
                new WindowSpec(
                    WindowSpec.Type.SESSION,
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(5),
                    "window_start"));
    PipelineSpec stream = TestLake.variant(pipeline, "sessions-stream", OutputMode.APPEND);
    PipelineValidator validator = new PipelineValidator(spark);
    assertEquals(List.of(), validator.check(stream));
    List<ConfigProblem> update =
        validator.check(TestLake.variant(pipeline, "sessions-update", OutputMode.UPDATE));
    assertTrue(
        update.size() == 1 && update.get(0).key().startsWith("[streaming-supported]"),
        update.toString());
    assertTrue(!SlicedAggregation.analyze(spark, pipeline).sliced(), "no sliced form");

    // Given card c-1 paying every 4 minutes from 12:01 to 12:41 (one session, 12:01-12:46), c-2 at
    // 12:10 and 12:20 (two sessions), and c-3 at 14:00, whose event moves the watermark past them,
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int m = 1; m <= 41; m += 4) {
      records.add(record(topic, "c-1", "1.00", String.format("12:%02d:00", m)));
    }
    records.add(record(topic, "c-2", "2.00", "12:10:00"));
    records.add(record(topic, "c-2", "3.00", "12:20:00"));
    records.add(record(topic, "c-3", "9.00", "14:00:00"));
    records.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    TestKafka.send(records);
    List<String> expected =
        List.of(
            "c-1 | 2026-05-04 12:01:00.0 | 2026-05-04 12:46:00.0 | 11 | 11.00",
            "c-2 | 2026-05-04 12:10:00.0 | 2026-05-04 12:15:00.0 | 1 | 2.00",
            "c-2 | 2026-05-04 12:20:00.0 | 2026-05-04 12:25:00.0 | 1 | 3.00");

    // when the stream runs until caught up (its no-data batch writes the closed sessions),
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    // then it has the three closed sessions (c-3's is still open);
    assertEquals(expected, gold(config, stream), "stream");

    // and a backfill of [12:00, 12:30) from Kafka writes the same three.
    PipelineSpec backfill = TestLake.variant(pipeline, "sessions-backfill", OutputMode.APPEND);
    Instant from = Instant.parse("2026-05-04T12:00:00Z");
    new BackfillRunner(spark, config, ReplaySource.KAFKA)
        .run(backfill, new WindowRange(from, from.plus(Duration.ofMinutes(30)), pipeline.window()));
    assertEquals(expected, gold(config, backfill), "backfill");

    // So does one from bronze, once the ingest has copied the topic.
    new BronzeIngest(spark, config)
        .start(List.of(topic), TriggerSpec.availableNowTrigger())
        .awaitTermination();
    PipelineSpec fromBronze =
        TestLake.variant(pipeline, "sessions-bronze-backfill", OutputMode.APPEND);
    new BackfillRunner(spark, config, ReplaySource.BRONZE)
        .run(
            fromBronze,
            new WindowRange(from, from.plus(Duration.ofMinutes(30)), pipeline.window()));
    assertEquals(expected, gold(config, fromBronze), "backfill from bronze");
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, String card, String amount, String time) {
    GeneratedEvent e =
        CardPipelineFiles.transaction(card, amount, Instant.parse("2026-05-04T" + time + "Z"));
    return new ProducerRecord<>(topic, 0, e.timestamp(), e.key(), e.value());
  }

  private static List<String> gold(TidemarkConfig config, PipelineSpec spec) {
    return TestSpark.rows(
        TestSpark.table(config.tablePath(spec))
            .selectExpr("card_id", "window_start", "window_end", "txn_count", "total_amount"));
  }
}
