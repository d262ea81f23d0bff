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
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost or moved checkpoint does not start a pipeline over again (issue 14, finding 3). Before,
 * {@code stream} started the gold query from the earliest offset with a new query id, and a
 * replayed topic was appended (append mode) or replaced (update mode) over what the table had;
 * quarantine rows were appended twice. Now a stream whose checkpoint is empty, or another query's,
 * over a table that a streaming query wrote exits 2 naming the table, the checkpoint and the way
 * out, and starts nothing.
 */
class LostCheckpointIT {
  private static final Instant START = Instant.parse("2026-04-01T12:00:00Z");

  @TempDir Path dir;

  @Test
  void aStreamOverATableItsLostCheckpointWroteIsRefusedWithExitTwoAndNothingChanges()
      throws Exception {
    String topic = "lost-cp-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 2);
    // Ten transactions 20 s apart on three cards, one of them negative (quarantined).
    List<GeneratedEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(
          CardPipelineFiles.transaction(
              "c-" + i % 3, i == 4 ? "-1.00" : "2.50", START.plusSeconds(20L * i)));
    }
    EventProducer.send(TestKafka.broker().bootstrapServers(), topic, events);
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "append", "update");
    Path lake = dir.resolve("lake");

    Result first = stream(conf, lake.resolve("_checkpoints"));
    assertEquals(0, first.exitCode(), first.err());
    // The update-mode table: every window of the input; append mode: those the watermark (12:03
    // less 2 minutes) closed.
    List<String> update = gold(lake, "cards-update");
    List<String> append = gold(lake, "cards-append");
    List<String> quarantine = rows(lake.resolve("quarantine/cards-update"));
    assertEquals(
        List.of(
            "c-0 | 2026-04-01 12:00:00.0 | 1 | 2.50",
            "c-0 | 2026-04-01 12:01:00.0 | 1 | 2.50",
            "c-0 | 2026-04-01 12:02:00.0 | 1 | 2.50",
            "c-0 | 2026-04-01 12:03:00.0 | 1 | 2.50",
            "c-1 | 2026-04-01 12:00:00.0 | 1 | 2.50",
            "c-1 | 2026-04-01 12:02:00.0 | 1 | 2.50",
            "c-2 | 2026-04-01 12:00:00.0 | 1 | 2.50",
            "c-2 | 2026-04-01 12:01:00.0 | 1 | 2.50",
            "c-2 | 2026-04-01 12:02:00.0 | 1 | 2.50"),
        update);
    assertEquals(
        List.of(
            "c-0 | 2026-04-01 12:00:00.0 | 1 | 2.50",
            "c-1 | 2026-04-01 12:00:00.0 | 1 | 2.50",
            "c-2 | 2026-04-01 12:00:00.0 | 1 | 2.50"),
        append);
    assertEquals(1, quarantine.size(), quarantine.toString());
    long updateVersion = version(lake.resolve("gold/cards_update"));
    long appendVersion = version(lake.resolve("gold/cards_append"));
    long quarantineVersion = version(lake.resolve("quarantine/cards-update"));

    // A moved checkpoint folder (tidemark.checkpoints changed): refused, naming the new location.
    Path moved = dir.resolve("moved-checkpoints");
    Result elsewhere = stream(conf, moved);
    assertEquals(2, elsewhere.exitCode(), elsewhere.err());
    assertRefusal(elsewhere.err(), lake, moved.resolve("cards-append/gold"), "cards-append");

    // Back at its checkpoint, the stream starts again (nothing new to read: no change).
    Result again = stream(conf, lake.resolve("_checkpoints"));
    assertEquals(0, again.exitCode(), again.err());

    // A deleted checkpoint: refused before anything starts, the other pipeline included.
    deleteTree(lake.resolve("_checkpoints/cards-update"));
    Result lost = stream(conf, lake.resolve("_checkpoints"));
    assertEquals(2, lost.exitCode(), lost.err());
    assertRefusal(lost.err(), lake, lake.resolve("_checkpoints/cards-update/gold"), "cards-update");
    assertTrue(
        !Files.exists(lake.resolve("_checkpoints/cards-update/gold")),
        "no query started from the empty checkpoint");

    assertEquals(update, gold(lake, "cards-update"));
    assertEquals(append, gold(lake, "cards-append"));
    assertEquals(quarantine, rows(lake.resolve("quarantine/cards-update")));
    assertEquals(updateVersion, version(lake.resolve("gold/cards_update")));
    assertEquals(appendVersion, version(lake.resolve("gold/cards_append")));
    assertEquals(quarantineVersion, version(lake.resolve("quarantine/cards-update")));
  }

  private static void assertRefusal(String err, Path lake, Path checkpoint, String pipeline) {
    assertTrue(
        err.startsWith("tidemark: the gold table of pipeline " + pipeline + " file:")
            && err.contains(
                lake.resolve("gold/" + table(pipeline))
                    + " has data written by the streaming query "),
        err);
    assertTrue(
        err.contains(
            checkpoint
                + " is empty or missing: starting from it would read the topic from the earliest"
                + " offset again"),
        err);
    assertTrue(err.contains("Nothing was started."), err);
    assertTrue(err.contains("restore it"), err);
    assertTrue(
        err.contains(
            "move the gold table (or delete it, or point sink.path at a new path) aside and stream"
                + " again; `tidemark backfill -p "
                + pipeline
                + "`"),
        err);
  }

  private Result stream(Path conf, Path checkpoints) {
    return InProcessCli.run(
        "stream",
        "--conf",
        conf.toString(),
        "--set",
        ConfigKeys.LAKE + "=" + dir.resolve("lake"),
        "--set",
        ConfigKeys.CHECKPOINTS + "=" + checkpoints,
        "--set",
        ConfigKeys.BRONZE_ENABLED + "=false",
        "--set",
        ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers());
  }

  /** Card, window start, count and total of a gold table. */
  private static List<String> gold(Path lake, String pipeline) {
    return TestSpark.rows(
        TestSpark.table(lake.resolve("gold/" + table(pipeline)).toString())
            .selectExpr("card_id", "window_start", "txn_count", "total_amount"));
  }

  /** A pipeline's table name: its name with '-' as '_'. */
  private static String table(String pipeline) {
    return pipeline.replace('-', '_');
  }

  private static List<String> rows(Path table) {
    return TestSpark.rows(
        TestSpark.table(table.toString()).selectExpr("topic", "partition", "offset", "reason"));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static long version(Path table) {
    return DeltaTable.forPath(TestSpark.session(), table.toString()).history(1).first().getLong(0);
  }
}
