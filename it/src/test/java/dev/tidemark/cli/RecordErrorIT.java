package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.InProcessCli;
import dev.tidemark.InProcessCli.Result;
import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One record on which the pipeline's SQL raises an error (ANSI SQL: a failed cast) stops the stream
 * with exit code 5 and a message naming the failed batch's Kafka offsets and the two ways on (issue
 * 14, finding 10). Before, the command exited 1 with Spark's error alone, and every restart
 * replayed the same batch. The way the message gives to skip such records, an expectation, then
 * lets the stream move on with the record in quarantine.
 */
class RecordErrorIT {
  private static final Instant START = Instant.parse("2026-04-02T12:00:00Z");

  @TempDir Path dir;

  @Test
  void aRecordTheSqlCannotEvaluateStopsTheStreamWithExitFiveNamingItsBatchAndTheWayOn()
      throws Exception {
    String topic = "record-error-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    // Ten transactions of one card a minute apart; the eighth (offset 7) has a merchant id whose
    // number is not a number.
    List<GeneratedEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      GeneratedEvent e = CardPipelineFiles.transaction("c-1", "2.00", START.plusSeconds(60L * i));
      String json = new String(e.value(), StandardCharsets.UTF_8);
      events.add(
          new GeneratedEvent(
              e.key(),
              (i == 7 ? json.replace("m-001", "m-x7") : json).getBytes(StandardCharsets.UTF_8),
              e.timestamp(),
              e.eventTime(),
              e.kind()));
    }
    EventProducer.send(TestKafka.broker().bootstrapServers(), topic, events);
    // Micro-batches of five records; the SQL casts the merchant's number.
    Path conf = CardPipelineFiles.write(dir, topic, 5, "update");
    Path sql = dir.resolve("pipelines/cards.sql");
    Files.writeString(
        sql,
        Files.readString(sql)
            .replace(
                "count(*) AS txn_count,",
                "count(*) AS txn_count, sum(cast(substring(merchant_id, 3) AS INT)) AS merchants,"));

    Result failed = stream(conf);

    assertEquals(5, failed.exitCode(), failed.err());
    String err = failed.err();
    assertTrue(
        err.startsWith("tidemark: query cards-update-gold (pipeline cards-update) failed: "), err);
    assertTrue(
        err.contains(
            "The SQL of pipeline cards-update raised a data error (SQLSTATE 22018) on a record of"
                + " micro-batch 1, which read topic "
                + topic
                + " partition 0 offsets 5 to 9 (the batch's range; the record itself is not"
                + " located). A restart replays the same batch and fails the same way."),
        err);
    assertTrue(err.contains("Either fix the SQL (" + sql + ") so that it cannot raise"), err);
    assertTrue(
        err.contains(
            "or skip such records: add an expectation that rejects them, e.g. expectations {"
                + " castable = \"try_cast(FIELD AS INT) IS NOT NULL\" } in "
                + dir.resolve("pipelines/cards-update.conf")),
        err);
    // The first batch (offsets 0 to 4) was written, nothing of the failed one.
    assertEquals(List.of("5 | 5"), gold("count(*)", "sum(txn_count)"));

    // Skipping the record as the message says: an expectation, checked before the SQL.
    Path pipeline = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace(
                "expectations { non-negative-amount = \"amount >= 0\" }",
                "expectations {\n  non-negative-amount = \"amount >= 0\"\n  numeric-merchant ="
                    + " \"try_cast(substring(merchant_id, 3) AS INT) IS NOT NULL\"\n}"));
    Result skipped = stream(conf);

    assertEquals(0, skipped.exitCode(), skipped.err());
    assertEquals(List.of("9 | 9 | 9"), gold("count(*)", "sum(txn_count)", "sum(merchants)"));
    assertEquals(
        List.of(
            "0 | 7 | expectation numeric-merchant failed: try_cast(substring(merchant_id, 3) AS"
                + " INT) IS NOT NULL"),
        TestSpark.rows(
            TestSpark.table(dir.resolve("lake/quarantine/cards-update").toString())
                .selectExpr("partition", "offset", "reason")));
  }

  private List<String> gold(String... aggregates) {
    return TestSpark.rows(
        TestSpark.table(dir.resolve("lake/gold/cards_update").toString()).selectExpr(aggregates));
  }

  private Result stream(Path conf) {
    return InProcessCli.run(
        "stream",
        "--conf",
        conf.toString(),
        "--set",
        ConfigKeys.LAKE + "=" + dir.resolve("lake"),
        "--set",
        ConfigKeys.CHECKPOINTS + "=" + dir.resolve("lake/_checkpoints"),
        "--set",
        ConfigKeys.BRONZE_ENABLED + "=false",
        "--set",
        ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers());
  }
}
