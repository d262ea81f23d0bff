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
import dev.tidemark.run.LakeLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark reset}: the way out of a lost checkpoint (issue 15, item 5). It moves the
 * checkpoints aside, rebuilds gold from bronze, and the next stream resumes where bronze ends:
 * nothing read twice (the quarantined record is not quarantined again), the window open at the
 * reset counts its events from before and after it, events the watermark had closed stay dropped as
 * late. Refused while the pipeline's stream runs.
 */
class ResetIT {
  private static final Instant START = Instant.parse("2026-04-03T12:00:00Z");

  @TempDir Path dir;

  @Test
  void aResetRebuildsGoldFromBronzeAndTheStreamResumesWhereBronzeEnds() throws Exception {
    String topic = "reset-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 2);
    // Card c-1 every 30 s from 12:00 to 12:04:30, and a negative amount (quarantined).
    List<GeneratedEvent> first = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      first.add(CardPipelineFiles.transaction("c-1", "1.00", START.plusSeconds(30L * i)));
    }
    first.add(CardPipelineFiles.transaction("c-neg", "-1.00", START.plusSeconds(60)));
    EventProducer.send(TestKafka.broker().bootstrapServers(), topic, first);
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "update");
    Path lake = dir.resolve("lake");
    assertEquals(0, run(conf, "stream", "--available-now").exitCode());
    List<String> streamed = gold(lake);
    assertEquals(
        List.of(
            "c-1 | 2026-04-03 12:00:00.0 | 2",
            "c-1 | 2026-04-03 12:01:00.0 | 2",
            "c-1 | 2026-04-03 12:02:00.0 | 2",
            "c-1 | 2026-04-03 12:03:00.0 | 2",
            "c-1 | 2026-04-03 12:04:00.0 | 2"),
        streamed);

    // Given a lost checkpoint: the stream refuses to start, naming the way out,
    deleteTree(lake.resolve("_checkpoints/cards-update"));
    Result refused = run(conf, "stream", "--available-now");
    assertEquals(2, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("tidemark reset -p cards-update"), refused.err());

    // a reset while the pipeline's stream runs is refused (exit 3),
    FileSystem fs = FileSystem.getLocal(new Configuration());
    try (LakeLock held =
        LakeLock.acquire(
            fs,
            new org.apache.hadoop.fs.Path(lake + "/_tidemark/locks/stream/cards-update"),
            "stream of pipeline cards-update",
            "stream of pipeline 'cards-update'",
            "test")) {
      Result busy = run(conf, "reset", "-p", "cards-update");
      assertEquals(3, busy.exitCode(), busy.err());
      assertTrue(busy.err().contains("stream of pipeline 'cards-update' is already running"));
    }

    // when it is reset, the table holds what the stream wrote, rebuilt from bronze;
    Result reset = run(conf, "reset", "-p", "cards-update");
    assertEquals(0, reset.exitCode(), reset.err());
    assertTrue(reset.out().startsWith("reset cards-update: checkpoints"), reset.out());
    assertEquals(streamed, gold(lake));

    // and when more events come, one in the window still open at the reset (12:04), one late for a
    // window the watermark (12:02:30) had closed, and two newer ones,
    EventProducer.send(
        TestKafka.broker().bootstrapServers(),
        topic,
        List.of(
            CardPipelineFiles.transaction("c-1", "1.00", START.plusSeconds(285)),
            CardPipelineFiles.transaction("c-1", "1.00", START.plusSeconds(70)),
            CardPipelineFiles.transaction("c-1", "1.00", START.plusSeconds(310)),
            CardPipelineFiles.transaction("c-1", "1.00", START.plusSeconds(360))));
    Result resumed = run(conf, "stream", "--available-now");

    // then the stream resumes where bronze ended, as if it had never stopped.
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(
        List.of(
            "c-1 | 2026-04-03 12:00:00.0 | 2",
            "c-1 | 2026-04-03 12:01:00.0 | 2",
            "c-1 | 2026-04-03 12:02:00.0 | 2",
            "c-1 | 2026-04-03 12:03:00.0 | 2",
            "c-1 | 2026-04-03 12:04:00.0 | 3",
            "c-1 | 2026-04-03 12:05:00.0 | 1",
            "c-1 | 2026-04-03 12:06:00.0 | 1"),
        gold(lake));
    assertEquals(
        List.of("c-neg"),
        TestSpark.rows(
            TestSpark.table(lake.resolve("quarantine/cards-update").toString())
                .selectExpr("CAST(key AS STRING)")),
        "nothing read twice");

    // A reset of a pipeline whose checkpoint exists moves it aside, not deleting it; the rebuild
    // from bronze also counts the event the stream dropped as late (a backfill has no watermark).
    Result again = run(conf, "reset", "-p", "cards-update");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("checkpoints moved to "), again.out());
    try (Stream<Path> archived = Files.list(lake.resolve("_checkpoints/_archive"))) {
      List<Path> folders = archived.toList();
      assertEquals(1, folders.size(), folders.toString());
      assertTrue(folders.get(0).getFileName().toString().startsWith("cards-update-"));
      assertTrue(Files.exists(folders.get(0).resolve("gold/commits/0")), "the old checkpoint");
    }
    assertEquals(
        List.of(
            "c-1 | 2026-04-03 12:00:00.0 | 2",
            "c-1 | 2026-04-03 12:01:00.0 | 3",
            "c-1 | 2026-04-03 12:02:00.0 | 2",
            "c-1 | 2026-04-03 12:03:00.0 | 2",
            "c-1 | 2026-04-03 12:04:00.0 | 3",
            "c-1 | 2026-04-03 12:05:00.0 | 1",
            "c-1 | 2026-04-03 12:06:00.0 | 1"),
        gold(lake));
  }

  private Result run(Path conf, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "--conf",
            conf.toString(),
            "--set",
            ConfigKeys.LAKE + "=" + dir.resolve("lake"),
            "--set",
            ConfigKeys.CHECKPOINTS + "=" + dir.resolve("lake/_checkpoints"),
            "--set",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers()));
    return InProcessCli.run(args.toArray(String[]::new));
  }

  private static List<String> gold(Path lake) {
    return TestSpark.rows(
        TestSpark.table(lake.resolve("gold/cards_update").toString())
            .selectExpr("card_id", "window_start", "txn_count"));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
