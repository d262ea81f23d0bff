package dev.tidemark.s3;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EmbeddedS3;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.StreamRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The lake and the checkpoints on s3a://, against a real S3-compatible server (S3Proxy) on
 * loopback: a stream stopped and restarted from its checkpoint on S3, and a backfill, with the same
 * parity as on a local disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3LakeIT {
  /** Distinctive so that a grep of the test logs proves it never leaks. */
  static final String SECRET = "tidemark-test-secret-5c1e7d";

  static final String ACCESS_KEY = "tidemark-test-access";
  static final Instant START = Instant.parse("2026-06-06T06:00:00Z");
  static final Duration SPAN = Duration.ofMinutes(40);

  EmbeddedS3 s3;

  @BeforeAll
  void startS3AndPointS3aAtIt() throws Exception {
    Path data =
        TestSpark.projectDir()
            .resolve("target/s3-it/data-" + UUID.randomUUID().toString().substring(0, 8));
    s3 = EmbeddedS3.start(data, List.of("lake"), ACCESS_KEY, SECRET);
    // What conf/s3-local.conf sets through spark.hadoop.*, applied to the shared test session;
    // the keys stay in memory (production takes them from the AWS credential chain).
    Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
    hadoop.set("fs.s3a.endpoint", s3.endpoint());
    hadoop.set("fs.s3a.endpoint.region", "us-east-1");
    hadoop.set("fs.s3a.path.style.access", "true");
    hadoop.set("fs.s3a.connection.ssl.enabled", "false");
    hadoop.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set("fs.s3a.access.key", ACCESS_KEY);
    hadoop.set("fs.s3a.secret.key", SECRET);
  }

  @AfterAll
  void stopS3() {
    s3.close();
  }

  @Test
  void streamRestartedFromItsS3CheckpointAndABackfillAgreeRowForRow() throws Exception {
    SparkSession spark = TestSpark.session();
    String lake = "s3a://lake/run-" + UUID.randomUUID().toString().substring(0, 8);
    TidemarkConfig config =
        ConfigLoader.load(
            TestSpark.projectDir().resolve("conf/local.conf"),
            Map.of(
                ConfigKeys.LAKE,
                lake,
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
                TestKafka.broker().bootstrapServers()));
    PipelineSpec pipeline = TestLake.ownTopic(config.pipeline("page-analytics").orElseThrow(), 700);
    PipelineSpec stream = TestLake.variant(pipeline, "s3-stream", OutputMode.UPDATE);
    String topic = pipeline.source().topics().get(0);
    List<GeneratedEvent> events =
        SampleEvents.generate(
            pipeline.generator(), GeneratorSettings.of(START, SPAN, 3000, 13).onTimeOnly());
    int half = events.size() / 2;

    EventProducer.send(config.bootstrapServers(), topic, events.subList(0, half));
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    long versionAfterFirstRun =
        io.delta.tables.DeltaTable.forPath(spark, config.tablePath(stream))
            .history(1)
            .first()
            .getLong(0);
    EventProducer.send(config.bootstrapServers(), topic, events.subList(half, events.size()));
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();

    long onTime = events.stream().filter(e -> e.kind() == GeneratedEvent.Kind.ON_TIME).count();
    assertEquals(
        onTime,
        table(config.tablePath(stream)).agg(functions.sum("views")).first().getLong(0),
        "the restarted stream counted every on-time event once");
    assertTrue(
        io.delta.tables.DeltaTable.forPath(spark, config.tablePath(stream))
                .history(1)
                .first()
                .getLong(0)
            > versionAfterFirstRun,
        "the second run resumed and committed");

    PipelineSpec backfill = TestLake.variant(pipeline, "s3-backfill", OutputMode.UPDATE);
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

    try (Stream<Path> files = Files.walk(s3.dataDir().resolve("lake"))) {
      assertTrue(
          files.anyMatch(p -> p.toString().contains("gold/s3-stream/_delta_log")),
          "the table really lives in the S3 server's storage");
    }
  }
}
