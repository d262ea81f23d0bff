package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.InProcessCli;
import dev.tidemark.InProcessCli.Result;
import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.local.EventProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One stream per pipeline, also with bronze off (the documented multi-process setup): while one
 * process streams a pipeline, a second {@code stream} of it exits with code 3 naming the holder,
 * before any of its queries starts.
 */
class StreamLockIT {
  @TempDir Path dir;
  private Process first;
  private final ExecutorService cli = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    if (first != null) {
      first.destroyForcibly();
    }
    for (StreamingQuery q : TestSpark.session().streams().active()) {
      try {
        q.stop();
      } catch (Exception ignored) {
        // cleaning up after a failed test
      }
    }
    cli.shutdownNow();
  }

  @Test
  void aSecondStreamOfAPipelineExitsThreeNamingTheHolderBeforeAnyQueryStarts() throws Exception {
    String topic = "locked-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    EventProducer.send(
        TestKafka.broker().bootstrapServers(),
        topic,
        List.of(
            CardPipelineFiles.transaction("c-1", "1.00", Instant.parse("2026-03-01T12:00:00Z"))));
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "update");
    Path pipeline = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        pipeline,
        Files.readString(pipeline).replace("trigger = available-now", "trigger = 2 seconds"));
    String[] args = {
      "stream",
      "--conf",
      conf.toString(),
      "--set",
      ConfigKeys.LAKE + "=" + dir.resolve("lake"),
      "--set",
      ConfigKeys.CHECKPOINTS + "=" + dir.resolve("lake/_checkpoints"),
      "--set",
      ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers(),
      "--set",
      ConfigKeys.BRONZE_ENABLED + "=false"
    };

    // Given a stream of cards-update running in a process of its own, its first batch committed,
    Path log = dir.resolve("first.log");
    first = TidemarkProcess.start(log, args);
    Path committed = dir.resolve("lake/_checkpoints/cards-update/gold/commits/0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(committed)) {
      assertTrue(first.isAlive(), "first stream died:\n" + TidemarkProcess.output(log));
      assertTrue(System.nanoTime() < deadline, "no first batch:\n" + TidemarkProcess.output(log));
      Thread.sleep(200);
    }

    // when a second stream of the same pipeline starts,
    Result second = cli.submit(() -> InProcessCli.run(args)).get(120, TimeUnit.SECONDS);

    // then it exits with code 3 naming the running one, having started nothing.
    assertEquals(3, second.exitCode(), second.err());
    assertTrue(
        second
            .err()
            .startsWith(
                "tidemark: another stream of pipeline 'cards-update' is already running: stream of"
                    + " pipeline cards-update (host "),
        second.err());
    assertTrue(second.err().contains(", pid " + first.pid() + ", since "), second.err());
    assertEquals(0, TestSpark.session().streams().active().length, "no query started");
    assertTrue(first.isAlive(), "the first stream runs on");
  }
}
