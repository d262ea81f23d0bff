package dev.tidemark.bronze;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.tidemark.ops.CompactBronze;
import dev.tidemark.ops.CompactClosedPartitions;
import dev.tidemark.pipeline.BronzeRecords;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.BronzeIngest;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.RunningBronze;
import dev.tidemark.run.StreamRunner;
import dev.tidemark.source.ReplaySource;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bronze as the replay source. Given 30 minutes of sensor readings (with a share of malformed
 * records, some records carrying headers) on a topic, when the bronze ingest and the update-mode
 * stream run until caught up, then bronze holds every record exactly as Kafka has it, exactly once,
 * and a backfill from bronze equals a backfill from Kafka and the stream, row for row, even after
 * Kafka has deleted the records. One process at a time ingests a topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BronzeIT {
  static final Instant START = Instant.parse("2026-02-02T09:00:00Z");
  static final Duration SPAN = Duration.ofMinutes(30);
  static final int EVENTS = 1500;
  static final int WITH_HEADERS = 3;

  SparkSession spark;
  TidemarkConfig config;
  PipelineSpec pipeline;
  PipelineSpec stream;
  String topic;
  List<GeneratedEvent> sent;
  WindowRange everything;

  @BeforeAll
  void givenReadingsIngestedToBronzeAndStreamedUntilCaughtUp() throws Exception {
    spark = TestSpark.session();
    config = TestLake.fresh("bronze");
    pipeline = TestLake.ownTopic(config.pipeline("sensor-readings").orElseThrow(), 700);
    stream = TestLake.variant(pipeline, "stream", OutputMode.UPDATE);
    topic = pipeline.source().topics().get(0);
    sent =
        SampleEvents.generate(
            pipeline.generator(), GeneratorSettings.of(START, SPAN, EVENTS, 11).onTimeOnly());
    EventProducer.send(
        config.bootstrapServers(), topic, sent.subList(0, sent.size() - WITH_HEADERS));
    sendWithHeaders(sent.subList(sent.size() - WITH_HEADERS, sent.size()));
    everything =
        WindowRange.covering(
            START.minus(pipeline.window().size()),
            START.plus(SPAN).plus(pipeline.window().size()),
            pipeline.window());

    RunningBronze bronze =
        new BronzeIngest(spark, config).start(List.of(topic), TriggerSpec.availableNowTrigger());
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    bronze.awaitTermination();
  }

  private void sendWithHeaders(List<GeneratedEvent> events) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (GeneratedEvent e : events) {
        ProducerRecord<String, byte[]> r =
            new ProducerRecord<>(topic, null, e.timestamp(), e.key(), e.value());
        r.headers().add(new RecordHeader("trace-id", e.key().getBytes(StandardCharsets.UTF_8)));
        r.headers().add(new RecordHeader("schema", new byte[] {1, 0, 7}));
        producer.send(r);
      }
      producer.flush();
    }
  }

  /** The coordinates, value and ingest time and date of bronze records, rendered comparably. */
  private static List<String> asStored(Dataset<Row> bronze) {
    return rows(
        bronze.selectExpr(
            "partition",
            "offset",
            "hex(value)",
            "cast(" + BronzeRecords.INGEST_TIME + " as string)",
            "cast(" + BronzeRecords.INGEST_DATE + " as string)"));
  }

  /** Every field of a Kafka record, rendered comparably (bytes as hex). */
  private static List<String> asArrived(Dataset<Row> records) {
    return rows(
        records.selectExpr(
            "topic",
            "partition",
            "offset",
            "timestamp",
            "timestampType",
            "hex(key)",
            "hex(value)",
            "cast(transform(headers, h -> concat(h.key, '=', hex(h.value))) as string)"));
  }

  private Dataset<Row> kafkaNow() {
    return spark
        .read()
        .format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("subscribe", topic)
        .option("includeHeaders", "true")
        .load();
  }

  @Test
  @Order(1)
  void bronzeHoldsEveryRecordExactlyAsKafkaHasItOncePartitionedByIngestDate() throws Exception {
    Dataset<Row> bronze = table(config.bronzePath(topic));

    assertEquals(sent.size(), bronze.count(), "every record sent");
    assertEquals(asArrived(kafkaNow()), asArrived(bronze), "key, value, headers, coordinates");
    assertEquals(WITH_HEADERS, bronze.where("size(headers) = 2").count());
    assertEquals(
        0, bronze.where("ingest_time IS NULL OR ingest_date <> to_date(ingest_time)").count());
    assertEquals(
        List.of("ingest_date"),
        DeltaTable.forPath(spark, config.bronzePath(topic))
            .detail()
            .first()
            .getList(
                DeltaTable.forPath(spark, config.bronzePath(topic))
                    .detail()
                    .first()
                    .fieldIndex("partitionColumns")));

    RunningBronze rerun =
        new BronzeIngest(spark, config).start(List.of(topic), TriggerSpec.availableNowTrigger());
    LakeLock.AlreadyRunningException second =
        assertThrows(
            LakeLock.AlreadyRunningException.class,
            () ->
                new BronzeIngest(spark, config)
                    .start(List.of(topic), TriggerSpec.availableNowTrigger()));
    rerun.awaitTermination();

    assertTrue(
        second.getMessage().contains("bronze ingest of topic '" + topic + "' is already running")
            && second.getMessage().contains("tidemark.bronze.enabled=false"),
        second.getMessage());
    assertEquals(sent.size(), table(config.bronzePath(topic)).count(), "a rerun adds nothing");
    assertEquals(
        0,
        table(config.bronzePath(topic))
            .groupBy("partition", "offset")
            .count()
            .where("count > 1")
            .count());
  }

  @Test
  @Order(2)
  void compactingPastIngestDatesRewritesTheFilesAndKeepsEveryRecordAsItArrived() {
    String path = config.bronzePath(topic);
    List<String> before = asStored(table(path));
    long filesBefore = files(path);
    assertTrue(filesBefore > 1, "the ingest wrote several small files: " + filesBefore);

    CompactClosedPartitions.Outcome o =
        new CompactBronze(spark, config).run(topic, LocalDate.now(ZoneOffset.UTC).plusDays(1));

    assertNull(o.skipped(), o.skipped());
    assertEquals(filesBefore, o.filesRemoved(), "every small file rewritten");
    long ingestDates = table(path).select(BronzeRecords.INGEST_DATE).distinct().count();
    assertEquals(ingestDates, files(path), "one file per ingest date");
    assertEquals(before, asStored(table(path)), "every record, ingest time included, as before");
  }

  private long files(String path) {
    return DeltaTable.forPath(spark, path).detail().first().getAs("numFiles");
  }

  @Test
  @Order(3)
  void backfillFromBronzeEqualsBackfillFromKafkaEqualsTheStreamRowForRow() {
    PipelineSpec fromBronze = TestLake.variant(pipeline, "from-bronze", OutputMode.UPDATE);
    PipelineSpec fromKafka = TestLake.variant(pipeline, "from-kafka", OutputMode.UPDATE);

    new BackfillRunner(spark, config, ReplaySource.BRONZE).run(fromBronze, everything);
    new BackfillRunner(spark, config, ReplaySource.KAFKA).run(fromKafka, everything);

    List<String> streamed = rows(table(config.tablePath(stream)));
    assertFalse(streamed.isEmpty());
    assertEquals(streamed, rows(table(config.tablePath(fromBronze))), "bronze = stream");
    assertEquals(streamed, rows(table(config.tablePath(fromKafka))), "kafka = stream");
  }

  @Test
  @Order(4)
  void afterKafkaDeletedTheRecordsTheDefaultSourceIsBronzeAndStillGivesTheStreamsRows()
      throws Exception {
    deleteAllRecords();
    PipelineSpec bronzeAfter = TestLake.variant(pipeline, "bronze-after", OutputMode.UPDATE);

    ReplaySource chosen = ReplaySource.defaultFor(spark, config, bronzeAfter);
    new BackfillRunner(spark, config, chosen).run(bronzeAfter, everything);

    assertEquals(0, kafkaNow().count(), "Kafka has forgotten the topic's records");
    assertEquals(ReplaySource.BRONZE, chosen);
    assertEquals(rows(table(config.tablePath(stream))), rows(table(config.tablePath(bronzeAfter))));
    PipelineSpec noBronze = TestLake.ownTopic(pipeline, 700);
    assertEquals(ReplaySource.KAFKA, ReplaySource.defaultFor(spark, config, noBronze));
  }

  private void deleteAllRecords() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, o) -> delete.put(tp, RecordsToDelete.beforeOffset(o.offset())));
      admin.deleteRecords(delete).all().get();
    }
  }
}
