package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A pipeline whose SQL and expectations use the Kafka metadata ({@code _kafka}: key, headers,
 * topic, offset, Kafka timestamp) computes the same rows streamed from Kafka as backfilled from
 * Kafka and from bronze, for hand-built records on the real broker; records failing an expectation
 * over the metadata go to quarantine with their reason.
 */
class KafkaMetadataIT {
  private static final Instant T = Instant.parse("2026-05-04T12:00:00Z");

  /** Per card and minute: web transactions (a header), last arrival and offsets (the metadata). */
  static final String SQL =
      """
      SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
             count(*) AS txn_count,
             count_if(exists(_kafka.headers,
                             h -> h.key = 'channel' AND CAST(h.value AS STRING) = 'web')) AS web,
             max(_kafka.timestamp) AS last_arrival,
             min(_kafka.topic) AS topic,
             array_sort(collect_list(_kafka.offset)) AS offsets
      FROM events
      WHERE CAST(_kafka.key AS STRING) <> 'test'
      GROUP BY card_id, window(event_time, '1 minute')
      """;

  @Test
  void metadataInSqlStreamEqualsBackfillFromKafkaAndFromBronze() throws Exception {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("kafka-metadata");
    PipelineSpec sample = config.pipeline("card-velocity").orElseThrow();
    String topic = "meta-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    PipelineSpec pipeline =
        sample
            .withSource(sample.source().withTopics(List.of(topic)).withOptions(Map.of()))
            .withSql(SQL)
            .withWindow(
                new WindowSpec(
                    WindowSpec.Type.TUMBLING,
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    "window_start"))
            .withExpectations(
                Map.of("keyed-by-card", "CAST(_kafka.key AS STRING) IN (card_id, 'test')"));
    assertTrue(SlicedAggregation.analyze(spark, pipeline).sliced(), "runs on the sliced path");

    // Given, on one partition (offsets 0..5): card c-1 at 12:00:10 from the web and 12:00:40 from
    // a terminal, c-2 at 12:00:20 without headers, c-1 at 12:01:05 from the web; a record keyed
    // 'test' (kept by the expectation, dropped by the SQL); one keyed by another card.
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    records.add(record(topic, "c-1", "c-1", "10.00", "12:00:10", "web"));
    records.add(record(topic, "c-2", "c-2", "20.00", "12:00:20", null));
    records.add(record(topic, "c-1", "c-1", "30.00", "12:00:40", "pos"));
    records.add(record(topic, "test", "c-1", "99.00", "12:00:50", "web"));
    records.add(record(topic, "c-3", "c-2", "5.00", "12:00:55", "web"));
    records.add(record(topic, "c-1", "c-1", "40.00", "12:01:05", "web"));
    TestKafka.send(records);

    List<String> expected =
        List.of(
            "c-1 | 2026-05-04 12:00:00.0 | 2 | 1 | 2026-05-04 12:00:40.0 | " + topic + " | [0, 2]",
            "c-1 | 2026-05-04 12:01:00.0 | 1 | 1 | 2026-05-04 12:01:05.0 | " + topic + " | [5]",
            "c-2 | 2026-05-04 12:00:00.0 | 1 | 0 | 2026-05-04 12:00:20.0 | " + topic + " | [1]");

    // when the stream (with the bronze ingest) runs until caught up,
    PipelineSpec stream = TestLake.variant(pipeline, "meta-stream", OutputMode.UPDATE);
    RunningBronze bronze =
        new BronzeIngest(spark, config).start(List.of(topic), TriggerSpec.availableNowTrigger());
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    bronze.awaitTermination();

    // then it has the rows above, and the record keyed by another card is in quarantine;
    assertEquals(expected, gold(config, stream), "stream");
    assertEquals(
        List.of(
            "4 | c-3 | expectation keyed-by-card failed: CAST(_kafka.key AS STRING) IN (card_id,"
                + " 'test')"),
        TestSpark.rows(
            TestSpark.table(config.quarantinePath(stream))
                .selectExpr("offset", "CAST(key AS STRING)", "reason")));

    // and a backfill from Kafka and one from bronze write the same rows.
    WindowRange range = new WindowRange(T, T.plus(Duration.ofMinutes(5)), pipeline.window());
    for (ReplaySource source : ReplaySource.ofTopics()) {
      PipelineSpec backfill =
          TestLake.variant(pipeline, "meta-backfill-" + source.label(), OutputMode.UPDATE);
      new BackfillRunner(spark, config, source).run(backfill, range);
      assertEquals(expected, gold(config, backfill), "backfill from " + source.label());
    }
  }

  /** A card transaction sent with key {@code key} and, unless null, the header channel. */
  private static ProducerRecord<String, byte[]> record(
      String topic, String key, String card, String amount, String time, String channel) {
    GeneratedEvent e =
        CardPipelineFiles.transaction(card, amount, Instant.parse("2026-05-04T" + time + "Z"));
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(topic, 0, e.timestamp(), key, e.value());
    if (channel != null) {
      r.headers().add(new RecordHeader("channel", channel.getBytes(StandardCharsets.UTF_8)));
    }
    return r;
  }

  private static List<String> gold(TidemarkConfig config, PipelineSpec spec) {
    return TestSpark.rows(
        TestSpark.table(config.tablePath(spec))
            .selectExpr(
                "card_id",
                "window_start",
                "txn_count",
                "web",
                "last_arrival",
                "topic",
                "CAST(offsets AS STRING)"));
  }
}
