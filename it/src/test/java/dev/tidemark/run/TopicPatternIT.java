package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.tidemark.ops.BatchMetrics;
import dev.tidemark.ops.BronzeStatus;
import dev.tidemark.ops.StatusReader;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.PipelineTopics;
import dev.tidemark.source.ReplaySource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * A pipeline reading {@code source.topic-pattern} reads the two topics the pattern matches and not
 * a third one, on the real broker: the stream (subscribePattern), the bronze ingest, the backfill
 * from Kafka (topics resolved with the Admin client) and from bronze, status's bronze tables and
 * the stream's Kafka offsets (its lag).
 */
class TopicPatternIT {
  private static final Instant T = Instant.parse("2026-05-04T12:00:00Z");

  static final String SQL =
      """
      SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
             count(*) AS txn_count, sum(amount) AS total_amount
      FROM events GROUP BY card_id, window(event_time, '1 minute')
      """;

  @Test
  void aTopicPatternReadsTheMatchingTopicsInStreamBronzeBackfillAndStatus() throws Exception {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("topic-pattern");
    String prefix = "pat-" + UUID.randomUUID().toString().substring(0, 8);
    String eu = prefix + "-eu";
    String us = prefix + "-us";
    String other = prefix + "-test";
    TestKafka.broker().createTopics(List.of(eu, us, other), 1);
    PipelineSpec sample = config.pipeline("card-velocity").orElseThrow();
    PipelineSpec pipeline =
        sample
            .withSource(sample.source().withTopicPattern(prefix + "-(eu|us)").withOptions(Map.of()))
            .withSql(SQL)
            .withWindow(
                new WindowSpec(
                    WindowSpec.Type.TUMBLING,
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    "window_start"));

    // Given card transactions on both matching topics and one on the other topic,
    TestKafka.send(
        List.of(
            record(eu, "c-1", "1.00", "12:00:10"),
            record(eu, "c-2", "2.00", "12:00:20"),
            record(us, "c-1", "3.00", "12:00:30"),
            record(other, "c-1", "100.00", "12:00:40")));
    List<String> expected =
        List.of("c-1 | 2026-05-04 12:00:00.0 | 2 | 4.00", "c-2 | 2026-05-04 12:00:00.0 | 1 | 2.00");

    // when the stream and the bronze ingest of its topics run until caught up,
    PipelineSpec stream = TestLake.variant(pipeline, "pattern-stream", OutputMode.UPDATE);
    assertEquals(List.of(eu, us), BronzeIngest.topicsOf(config, List.of(stream)));
    RunningBronze bronze =
        new BronzeIngest(spark, config)
            .start(
                BronzeIngest.topicsOf(config, List.of(stream)), TriggerSpec.availableNowTrigger());
    RunningPipeline running =
        new StreamRunner(spark, config).start(stream, TriggerSpec.availableNowTrigger());
    running.awaitTermination();
    bronze.awaitTermination();

    // then the stream read the matching topics only, to their end,
    assertEquals(expected, gold(config, stream), "stream");
    StreamingQuery query = running.gold();
    String offsets = query.lastProgress().sources()[0].endOffset();
    assertTrue(offsets.contains(eu) && offsets.contains(us), offsets);
    assertFalse(offsets.contains(other), offsets);
    assertEquals(0L, BatchMetrics.of(query.lastProgress()).offsetsBehindLatest());
    // bronze and status have their two tables,
    assertEquals(
        List.of(eu, us),
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, stream));
    assertEquals(
        List.of(eu + " 2", us + " 1"),
        new StatusReader(config)
            .read(stream).bronze().stream()
                .map(BronzeStatus::topic)
                .map(t -> t + " " + TestSpark.table(config.bronzePath(t)).count())
                .toList());
    // and a backfill from Kafka and one from bronze write the same rows.
    WindowRange range = new WindowRange(T, T.plus(Duration.ofMinutes(5)), pipeline.window());
    for (ReplaySource source : ReplaySource.ofTopics()) {
      PipelineSpec backfill =
          TestLake.variant(pipeline, "pattern-backfill-" + source.label(), OutputMode.UPDATE);
      new BackfillRunner(spark, config, source).run(backfill, range);
      assertEquals(expected, gold(config, backfill), "backfill from " + source.label());
    }
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
            .selectExpr("card_id", "window_start", "txn_count", "total_amount"));
  }
}
