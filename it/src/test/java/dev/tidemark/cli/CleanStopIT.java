package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A normal stop is quiet (issue 14, finding 13): {@code tidemark stream --available-now}, run as
 * scripts/tidemark runs it (a JVM of its own, the shipped log configuration), over a pipeline on
 * Spark's stateful aggregation (its state in the RocksDB state store, whose maintenance uploads
 * snapshots and deletes old versions in the background), catches up and exits 0 with no ERROR line,
 * and from the moment its summary is printed (the queries have ended) to its exit, with no warning,
 * exception or stack trace: with the lake (tables and checkpoints) on an S3 server (S3Proxy). The
 * state store's maintenance runs every 100 ms here, so that it is running while the process stops;
 * before the CLI stopped it ahead of the session, it then failed on the stopped SparkEnv ({@code
 * IllegalStateException: SparkEnv not active}) with a stack trace, on either store. CI runs the S3
 * lake only (its stop also closes S3A's connection pools and upload threads, so it has more that
 * could go wrong); {@code -Dtidemark.clean-stop.local=true} adds the lake on the local disk.
 */
class CleanStopIT {
  static final Instant START = Instant.parse("2026-07-07T07:00:00Z");
  static final int EVENTS = 300;
  static final int BATCH = 100;

  static List<String> stores() {
    return Boolean.getBoolean("tidemark.clean-stop.local")
        ? List.of("s3a", "local disk")
        : List.of("s3a");
  }

  @ParameterizedTest(name = "lake on {0}")
  @MethodSource("stores")
  void aStreamThatCaughtUpStopsWithExitZeroAndNoErrorOrStackTrace(String store) throws Exception {
    boolean s3 = store.equals("s3a");
    String topic = "clean-stop-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = TestSpark.projectDir().resolve("target/test-lakes/" + topic);
    Path conf =
        CardPipelineFiles.write(dir, s3 ? "conf/s3-local.conf" : "conf/local.conf", topic, BATCH);
    CardPipelineFiles.addStateful(dir, topic, BATCH, "update");
    // A RocksDB snapshot after every batch, for the state store's background maintenance to upload,
    // and maintenance every 100 ms: so maintenance is at work when the stream stops.
    Files.writeString(
        conf,
        ConfigKeys.BRONZE_ENABLED
            + " = false\n"
            + ConfigKeys.SPARK
            + " {\n"
            + "  \"spark.sql.streaming.stateStore.minDeltasForSnapshot\" = \"1\"\n"
            + "  \"spark.sql.streaming.stateStore.maintenanceInterval\" = \"100ms\"\n"
            + "}\n",
        StandardOpenOption.APPEND);
    String lake = s3 ? TestS3.freshPrefix(topic) : dir.resolve("lake").toString();

    // Given card transactions (some malformed) in three micro-batches per query,
    TestKafka.broker().createTopics(List.of(topic), 1);
    EventProducer.send(
        TestKafka.broker().bootstrapServers(),
        topic,
        SampleEvents.generate(
            "card-transactions",
            new GeneratorSettings(
                START,
                Duration.ofMinutes(20),
                EVENTS,
                7,
                Duration.ofSeconds(30),
                0.0,
                Duration.ZERO,
                0.03)));

    // when the CLI streams them, available-now, and stops once caught up,
    Path log = dir.resolve("stream.log");
    Process stream =
        TidemarkProcess.start(
            log,
            s3 ? TestS3.childEnvironment() : Map.of(),
            "stream",
            "--conf",
            conf.toString(),
            "--available-now",
            "--set",
            ConfigKeys.LAKE + "=" + lake,
            "--set",
            "tidemark.checkpoints=" + lake + "/_checkpoints",
            "--set",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers());
    try {
      assertTrue(stream.waitFor(8, TimeUnit.MINUTES), "the stream ends");
    } finally {
      stream.destroyForcibly();
    }
    String output = TidemarkProcess.output(log);

    // then it exits 0, having written the pipeline, with no error, and says nothing alarming on the
    // way out.
    assertEquals(0, stream.exitValue(), output);
    assertTrue(output.contains("cards-stateful-update"), output);
    assertTrue(
        output.contains("runs on Spark's stateful aggregation"),
        "the stateful pipeline really uses a state store:\n" + output);
    List<String> lines = output.lines().toList();
    int summary = lines.indexOf("== cards-stateful-update -> cards_stateful_update (update mode)");
    assertTrue(summary > 0, "the run's summary is printed:\n" + output);
    assertEquals(List.of(), lines.stream().filter(l -> l.contains("ERROR")).toList(), output);
    assertEquals(
        List.of(),
        lines.subList(summary, lines.size()).stream()
            .filter(
                l ->
                    l.contains("WARN")
                        || l.contains("Exception")
                        || l.contains("Error:")
                        || l.startsWith("\tat "))
            .toList(),
        "the stop, after the summary:\n" + output);
  }
}
