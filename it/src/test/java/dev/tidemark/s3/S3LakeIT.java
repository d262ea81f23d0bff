package dev.tidemark.s3;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tidemark.SamplePipelines;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.EnrichmentJoinIT;
import dev.tidemark.run.StreamRunner;
import dev.tidemark.source.ReplaySource;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A sample pipeline with its lake and checkpoints on s3a://, against a real S3-compatible server
 * (S3Proxy) on loopback: a stream stopped and restarted from its checkpoint on S3, and a backfill,
 * with the same parity as on a local disk (see SamplePipelineContract). Commits go through
 * Tidemark's conditional-put LogStore, the default for s3a in the defaults inside the jar
 * (reference.conf).
 *
 * <p>card-velocity only: every sample pipeline runs the same sliced stream and backfill (D21), with
 * the same reads and writes of the lake (gold, quarantine, slice table, checkpoint); they differ in
 * their aggregates, which do not touch storage and are checked per pipeline on the local disk. The
 * other two each cost about 1.5 minutes of CI here and covered no other storage path. Apart from
 * that, with {@code -Dtidemark.s3.extra=true}, an enrichment join with its dimension on s3a (the
 * versions' history and commit timestamps read from S3); the chain of pipelines runs on s3a in
 * SensorReadingsIT with the same flag.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3LakeIT {
  static final Instant START = Instant.parse("2026-06-06T06:00:00Z");
  static final Duration SPAN = Duration.ofMinutes(40);
  static final int EVENTS = 600;
  static final int BATCH = 300;

  @BeforeAll
  void givenS3aPointedAtTheTestServer() {
    // What conf/s3-local.conf sets through spark.hadoop.*, applied to the shared test session;
    // the keys stay in memory (production takes them from the AWS credential chain).
    TestS3.configure(TestSpark.session().sparkContext().hadoopConfiguration());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"card-velocity, txn_count"})
  void streamRestartedFromItsS3CheckpointAndABackfillAgreeRowForRow(String name, String countColumn)
      throws Exception {
    SparkSession spark = TestSpark.session();
    String lake = TestS3.freshPrefix(name);
    TidemarkConfig config =
        ConfigLoader.load(
            TestSpark.projectDir().resolve("conf/local.conf"),
            Map.of(
                ConfigKeys.LAKE,
                lake,
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
                TestKafka.broker().bootstrapServers()));
    assertTrue(config.checkpoints().startsWith("s3a://"), config.checkpoints());
    PipelineSpec pipeline = TestLake.ownTopic(config.pipeline(name).orElseThrow(), BATCH);
    PipelineSpec stream = TestLake.variant(pipeline, "stream", OutputMode.UPDATE);
    String topic = pipeline.source().topics().get(0);
    List<GeneratedEvent> events =
        SampleEvents.generate(
            pipeline.generator(), GeneratorSettings.of(START, SPAN, EVENTS, 13).onTimeOnly());
    int half = events.size() / 2;

    // Given half of the events streamed, the stream stopped, the other half sent,
    EventProducer.send(config.bootstrapServers(), topic, events.subList(0, half));
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    long versionAfterFirstRun = lastVersion(spark, config.tablePath(stream));
    EventProducer.send(config.bootstrapServers(), topic, events.subList(half, events.size()));
    // when the stream is restarted from its checkpoint on S3,
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();

    // then every on-time event is counted once in each window that covers it,
    long windowsPerEvent =
        pipeline.window().size().toMillis() / pipeline.window().slide().toMillis();
    long onTime = events.stream().filter(e -> e.kind() == GeneratedEvent.Kind.ON_TIME).count();
    long malformed = events.stream().filter(e -> e.kind() == GeneratedEvent.Kind.MALFORMED).count();
    assertEquals(
        onTime * windowsPerEvent,
        table(config.tablePath(stream)).agg(functions.sum(countColumn)).first().getLong(0),
        "the restarted stream counted every on-time event once");
    assertTrue(
        lastVersion(spark, config.tablePath(stream)) > versionAfterFirstRun,
        "the second run resumed and committed");
    assertTrue(malformed > 0);
    assertEquals(malformed, table(config.quarantinePath(stream)).count(), "quarantined once");

    // and a backfill of the whole range writes the same rows.
    PipelineSpec backfill = TestLake.variant(pipeline, "backfill", OutputMode.UPDATE);
    new BackfillRunner(spark, config)
        .run(
            backfill,
            WindowRange.covering(
                START.minus(pipeline.window().size()),
                START.plus(SPAN).plus(pipeline.window().size()),
                pipeline.window()));
    List<String> streamed = rows(table(config.tablePath(stream)));
    assertFalse(streamed.isEmpty());
    assertEquals(streamed, rows(table(config.tablePath(backfill))));

    String prefix = lake.substring(("s3a://" + TestS3.BUCKET + "/").length());
    Path stored = TestS3.server().dataDir().resolve(TestS3.BUCKET).resolve(prefix);
    try (Stream<Path> files = Files.walk(stored)) {
      List<String> names = files.map(Path::toString).toList();
      assertTrue(
          names.stream().anyMatch(p -> p.contains("gold/stream/_delta_log")),
          "the table really lives in the S3 server's storage");
      assertTrue(
          names.stream().anyMatch(p -> p.contains("_checkpoints/stream")),
          "and so does the checkpoint");
    }
  }

  /**
   * An enrichment join whose dimension lives on s3a: its versions' commit timestamps are the S3
   * server's (both written now, long after the events), so every event joins the oldest version, in
   * force since ever, in the stream and in a backfill run after the dimension changed.
   */
  @Test
  void anEnrichmentJoinReadsItsDimensionVersionsAsOfEventTimeFromS3() throws Exception {
    assumeTrue(
        Boolean.getBoolean("tidemark.s3.extra"),
        "runs with -Dtidemark.s3.extra=true (left out of CI for time)");
    SparkSession spark = TestSpark.session();
    TidemarkConfig config =
        TestLake.freshOnS3("enrich-s3", TestKafka.broker(), SamplePipelines.dir());
    String topic = "enrich-s3-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    PipelineSpec pipeline = EnrichmentJoinIT.pipeline(config, topic);
    String cards = config.dimensionPath(pipeline.dimensions().get(0));
    assertTrue(cards.startsWith("s3a://"), cards);
    // Given version 0 of the dimension, with its rows: c-1 silver, c-2 gold,
    writeCards(spark, cards, "c-1,silver", "c-2,gold");
    // and three transactions of 2026-05-04 12:00-12:05, when the stream runs until caught up,
    EnrichmentJoinIT.send(topic, "c-1,10.00,12:00:10", "c-2,20.00,12:01:00", "c-1,5.00,12:04:00");
    PipelineSpec stream = TestLake.variant(pipeline, "enrich-s3-stream", OutputMode.UPDATE);
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    // then they have the tiers of version 0;
    List<String> expected =
        List.of(
            "c-1 | silver | 2026-05-04 12:00:00.0 | 2 | 15.00",
            "c-2 | gold | 2026-05-04 12:00:00.0 | 1 | 20.00");
    assertEquals(expected, EnrichmentJoinIT.gold(config, stream), "stream");

    // and given version 1 (every card platinum), committed now, after every event, a backfill
    // still joins version 0.
    writeCards(spark, cards, "c-1,platinum", "c-2,platinum");
    assertEquals(1L, lastVersion(spark, cards));
    PipelineSpec backfill = TestLake.variant(pipeline, "enrich-s3-backfill", OutputMode.UPDATE);
    Instant t = Instant.parse("2026-05-04T12:00:00Z");
    new BackfillRunner(spark, config, ReplaySource.KAFKA)
        .run(backfill, new WindowRange(t, t.plus(Duration.ofMinutes(5)), pipeline.window()));
    assertEquals(expected, EnrichmentJoinIT.gold(config, backfill), "backfill");
  }

  /** A new version of the dimension table holding exactly {@code rows} ("card,tier"). */
  private static void writeCards(SparkSession spark, String path, String... rows) {
    spark
        .createDataFrame(
            Arrays.stream(rows).map(r -> RowFactory.create((Object[]) r.split(","))).toList(),
            StructType.fromDDL("card_id STRING, tier STRING"))
        .write()
        .format("delta")
        .mode("overwrite")
        .save(path);
  }

  private static long lastVersion(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).first().getLong(0);
  }
}
