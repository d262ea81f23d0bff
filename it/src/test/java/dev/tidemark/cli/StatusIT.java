package dev.tidemark.cli;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.InProcessCli;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.ops.ConsumerGroupOffsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Operating a pipeline: after `stream` ran, the metrics table has one row per micro-batch and
 * `status` reports real numbers.
 */
class StatusIT {
  static final String PIPELINE = "card-velocity";

  @Test
  void afterAStreamTheMetricsTableHasOneRowPerBatchAndStatusShowsRealNumbers() throws Exception {
    TidemarkConfig config = TestLake.fresh("status");
    PipelineSpec spec = config.pipeline(PIPELINE).orElseThrow();
    String topic = spec.source().topics().get(0);
    TestKafka.broker().createTopics(List.of(topic), 2);
    List<GeneratedEvent> sent =
        SampleEvents.generate(
            spec.generator(),
            GeneratorSettings.of(
                Instant.parse("2026-04-04T04:00:00Z"), Duration.ofMinutes(30), 6000, 3));
    EventProducer.send(config.bootstrapServers(), topic, sent);
    String[] lake = {
      "--set", "tidemark.lake=" + config.lake(),
      "--set", "tidemark.checkpoints=" + config.checkpoints(),
      "--set", "tidemark.kafka.bootstrap-servers=" + config.bootstrapServers()
    };

    InProcessCli.Result stream =
        InProcessCli.run(concat(new String[] {"stream", "-p", PIPELINE, "--available-now"}, lake));
    assertEquals(0, stream.exitCode(), stream.err());

    Dataset<Row> gold =
        table(config.metricsPath()).where("pipeline = 'card-velocity' AND query = 'gold'");
    long batches = gold.count();
    // card-velocity takes up to 1,000,000 records per batch: one batch with data, maybe a no-data
    // one.
    assertTrue(batches >= 1, "6000 records: " + batches + " batches");
    assertEquals(batches, gold.select("batch_id").distinct().count(), "one row per batch");
    assertEquals(
        sent.size(),
        gold.agg(org.apache.spark.sql.functions.sum("input_rows")).first().getLong(0),
        "every record read is accounted for in the input rows");
    assertTrue(
        gold.where("input_rows > 0 AND NOT (processed_rows_per_second > 0)").isEmpty(),
        "sane rates");
    assertTrue(
        gold.where("watermark IS NOT NULL AND NOT (event_time_lag_seconds > 0)").isEmpty(),
        "sane lag");
    Row decode =
        table(config.metricsPath())
            .where("pipeline = 'card-velocity' AND records_read IS NOT NULL")
            .selectExpr("sum(records_read)", "sum(records_quarantined)")
            .first();
    long quarantined = decode.getLong(1);
    assertEquals(sent.size(), decode.getLong(0), "the decoder read every record once");
    assertEquals(
        sent.stream().filter(e -> e.kind() == GeneratedEvent.Kind.MALFORMED).count(), quarantined);

    InProcessCli.Result status =
        InProcessCli.run(concat(new String[] {"status", "-p", PIPELINE, "--json"}, lake));
    assertEquals(0, status.exitCode(), status.err());
    JsonNode s = new ObjectMapper().readTree(status.out()).get(0);
    assertEquals(PIPELINE, s.get("pipeline").asText());
    assertTrue(s.get("table_version").asLong() >= 1, status.out());
    assertTrue(s.get("files").asLong() > 0 && s.get("size_bytes").asLong() > 0, status.out());
    assertEquals(batches, s.get("batches").asLong(), status.out());
    assertNotNull(Instant.parse(s.get("watermark").asText()));
    assertTrue(s.get("lag_seconds").asDouble() > 0, status.out());
    assertEquals(quarantined, s.get("quarantined").asLong());
    assertEquals(
        gold.agg(org.apache.spark.sql.functions.sum("late_rows_dropped")).first().getLong(0),
        s.get("late_dropped").asLong(),
        "the late count is the metrics table's");
    JsonNode bronze = s.get("bronze").get(0);
    assertEquals(
        sent.size(), bronze.get("records").asLong(), "bronze keeps every record: " + bronze);
    assertEquals(0, bronze.get("kafka_offsets_behind").asLong(), bronze.toString());
    assertNotNull(Instant.parse(bronze.get("last_batch_time").asText()));

    // Standard lag tools see the pipeline: its consumer group holds the processed offsets.
    try (Admin admin =
        Admin.create(
            java.util.Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      long committed =
          admin
              .listConsumerGroupOffsets(ConsumerGroupOffsets.group(PIPELINE))
              .partitionsToOffsetAndMetadata()
              .get()
              .values()
              .stream()
              .mapToLong(OffsetAndMetadata::offset)
              .sum();
      assertEquals(sent.size(), committed, "committed offsets cover every record");
    }

    InProcessCli.Result text =
        InProcessCli.run(concat(new String[] {"status", "-p", PIPELINE}, lake));
    assertTrue(text.out().contains("watermark") && text.out().contains("quarantined"), text.out());
    assertTrue(
        text.out().contains(String.format("bronze       %s: %,d records", topic, sent.size())),
        text.out());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
