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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One failed query ends the whole command: {@code stream} and {@code ingest} run their queries on a
 * trigger (never ending by themselves), one of them fails at its first batch, and the command stops
 * every other query and exits 1 naming the failed query and its cause. Before, a command waited on
 * its first pipeline's queries only and stayed up (the waits below would time out).
 */
class QueryFailureIT {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  private static final long PATIENCE_S = 150;

  @TempDir Path dir;
  private final ExecutorService cli = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopWhateverIsLeft() {
    for (StreamingQuery q : TestSpark.session().streams().active()) {
      try {
        q.stop();
      } catch (Exception ignored) {
        // cleaning up after a failed test
      }
    }
    cli.shutdownNow();
  }

  /** A topic with ten transactions, and pipelines cards-append and cards-update on a trigger. */
  private Path givenTwoPipelinesOnATrigger(String topic) throws Exception {
    TestKafka.broker().createTopics(List.of(topic), 2);
    List<GeneratedEvent> events =
        IntStream.range(0, 10)
            .mapToObj(
                i -> CardPipelineFiles.transaction("c-" + i % 3, "1.50", START.plusSeconds(20 * i)))
            .toList();
    EventProducer.send(TestKafka.broker().bootstrapServers(), topic, events);
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "append", "update");
    for (String mode : List.of("append", "update")) {
      Path file = dir.resolve("pipelines/cards-" + mode + ".conf");
      Files.writeString(
          file, Files.readString(file).replace("trigger = available-now", "trigger = 2 seconds"));
    }
    return conf;
  }

  private String[] command(String name, Path conf, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                name,
                "--conf",
                conf.toString(),
                "--set",
                ConfigKeys.LAKE + "=" + dir.resolve("lake"),
                "--set",
                ConfigKeys.CHECKPOINTS + "=" + dir.resolve("lake/_checkpoints"),
                "--set",
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers()));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  private Result runUntilItEnds(String... args) throws Exception {
    Future<Result> run = cli.submit(() -> InProcessCli.run(args));
    return run.get(PATIENCE_S, TimeUnit.SECONDS);
  }

  /** The bronze table of {@code topic}, created empty with a schema the ingest cannot append to. */
  private void givenABronzeTableOfAnotherShape(String topic) {
    TestSpark.sql(
        "CREATE TABLE delta.`" + dir.resolve("lake/bronze/" + topic) + "` (x INT) USING delta");
  }

  /** The text of a lock's newest generation file (see LakeLock): "free ..." once released. */
  private static String topGeneration(Path lock) throws IOException {
    try (Stream<Path> files = Files.list(lock)) {
      Path top =
          files
              .filter(f -> f.getFileName().toString().matches("lock\\.\\d+"))
              .max(
                  Comparator.comparingLong(
                      f -> Long.parseLong(f.getFileName().toString().substring(5))))
              .orElseThrow();
      return Files.readString(top);
    }
  }

  @Test
  void aSecondPipelinesFailingQueryStopsTheStreamWithExitOneNamingIt() throws Exception {
    String topic = "fail-second-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf = givenTwoPipelinesOnATrigger(topic);
    // The second pipeline's SQL raises an error at run time, on its first record.
    Files.writeString(
        dir.resolve("pipelines/failing.sql"),
        Files.readString(dir.resolve("pipelines/cards.sql"))
            .replace(
                "FROM events",
                "FROM events WHERE assert_true(amount < 0, 'amount check') IS NULL"));
    Path update = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        update, Files.readString(update).replace("sql-file = cards.sql", "sql-file = failing.sql"));

    Result r =
        runUntilItEnds(command("stream", conf, "--set", ConfigKeys.BRONZE_ENABLED + "=false"));

    assertEquals(1, r.exitCode(), r.err());
    assertTrue(
        r.err().startsWith("tidemark: query cards-update-gold (pipeline cards-update) failed: "),
        r.err());
    assertTrue(r.err().contains("amount check"), r.err());
    // cards-append's one (sliced) query, and the quarantine query of cards-update (its SQL, with a
    // WHERE, runs on Spark's stateful aggregation: two queries).
    assertTrue(r.err().contains("Stopped the 2 other running queries of this process"), r.err());
    assertEquals(0, TestSpark.session().streams().active().length, "every query stopped");
  }

  @Test
  void aFailingBronzeQueryStopsTheStreamWithExitOneNamingIt() throws Exception {
    String topic = "fail-bronze-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf = givenTwoPipelinesOnATrigger(topic);
    givenABronzeTableOfAnotherShape(topic);

    Result r = runUntilItEnds(command("stream", conf));

    assertEquals(1, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "tidemark: query bronze:" + topic + " (bronze ingest of " + topic + ") failed: "),
        r.err());
    // One (sliced) query per pipeline.
    assertTrue(r.err().contains("Stopped the 2 other running queries of this process"), r.err());
    assertEquals(0, TestSpark.session().streams().active().length, "every query stopped");
    assertTrue(
        topGeneration(dir.resolve("lake/_tidemark/locks/bronze/" + topic + ".ingest"))
            .startsWith("free released-by="),
        "the bronze lock is released");
  }

  @Test
  void aFailingBronzeQueryOfASecondTopicStopsTheIngestWithExitOneNamingIt() throws Exception {
    String topic = "fail-ingest-" + UUID.randomUUID().toString().substring(0, 8);
    String broken = topic + "-b";
    Path conf = givenTwoPipelinesOnATrigger(topic);
    TestKafka.broker().createTopics(List.of(broken), 1);
    EventProducer.send(
        TestKafka.broker().bootstrapServers(),
        broken,
        List.of(CardPipelineFiles.transaction("c-1", "2.00", START)));
    Path update = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        update, Files.readString(update).replace("topics = [" + topic, "topics = [" + broken));
    givenABronzeTableOfAnotherShape(broken);

    Result r = runUntilItEnds(command("ingest", conf));

    assertEquals(1, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "tidemark: query bronze:" + broken + " (bronze ingest of " + broken + ") failed: "),
        r.err());
    assertTrue(r.err().contains("Stopped the 1 other running query of this process"), r.err());
    assertEquals(0, TestSpark.session().streams().active().length, "every query stopped");
  }
}
