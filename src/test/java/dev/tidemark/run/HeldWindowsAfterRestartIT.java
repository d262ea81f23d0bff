package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.run.StreamCheckpoint.HeldWindows;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The one way a crash delays append-mode output, shown deterministically: a stream stopped after
 * its last batch with data and before the no-data batch that writes the windows its watermark has
 * closed. Spark does not plan that no-data batch after a restart, so the windows wait, complete, in
 * the state store until a batch with data comes; the checkpoint shows it ({@link
 * StreamCheckpoint#heldWindows}) and {@code stream} warns of it at start. The stop is made exact by
 * running the first run with Spark's no-data batches off ({@code
 * spark.sql.streaming.noDataMicroBatches.enabled}, which Spark does not keep in the checkpoint): it
 * leaves the checkpoint as a kill at that moment would.
 */
class HeldWindowsAfterRestartIT {
  private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
  private static final String NO_DATA_BATCHES = "spark.sql.streaming.noDataMicroBatches.enabled";

  @Test
  void windowsClosedBeforeAStopAreWrittenWithTheNextBatchThatHasData() throws Exception {
    Path work =
        TestSpark.projectDir()
            .resolve("target/held-windows-it/" + UUID.randomUUID().toString().substring(0, 8));
    String topic = "held-" + UUID.randomUUID().toString().substring(0, 8);
    TidemarkConfig lake =
        ConfigLoader.load(
            CardPipelineFiles.write(work, topic, 1000, "append"),
            Map.of(
                ConfigKeys.LAKE,
                work.resolve("lake").toString(),
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
                TestKafka.broker().bootstrapServers()));
    PipelineSpec spec = lake.pipeline("cards-append").orElseThrow();
    String checkpoint = lake.checkpointPath(spec, StreamRunner.GOLD_QUERY);

    // Given one transaction a minute from 12:00 to 12:05 (watermark: 2 minutes behind the latest),
    TestKafka.broker().createTopics(List.of(topic), 1);
    EventProducer.send(
        lake.bootstrapServers(), topic, IntStream.range(0, 6).mapToObj(m -> event(m, 7)).toList());

    // when a run stops right after its batch with data (no no-data batch),
    runWithNoDataBatches(lake, spec, false);
    // then nothing is written yet and the checkpoint shows 12:00-12:03 closed, held in state;
    assertEquals(List.of(), windows(lake, spec));
    Optional<HeldWindows> held =
        StreamCheckpoint.heldWindows(
            TestSpark.session().sparkContext().hadoopConfiguration(), checkpoint);
    assertEquals(Optional.of(new HeldWindows(Instant.EPOCH, START.plusSeconds(187))), held);

    // when it restarts with no new input, Spark runs no batch: the windows are still held;
    runWithNoDataBatches(lake, spec, true);
    assertEquals(List.of(), windows(lake, spec), "nothing written by a restart without data");
    assertEquals(
        held,
        StreamCheckpoint.heldWindows(
            TestSpark.session().sparkContext().hadoopConfiguration(), checkpoint));

    // when one more transaction comes (12:10), every window before 12:08 is written, once.
    EventProducer.send(lake.bootstrapServers(), topic, List.of(event(10, 0)));
    runWithNoDataBatches(lake, spec, true);
    assertEquals(
        IntStream.range(0, 6).mapToObj(m -> START.plusSeconds(60L * m) + " 1").toList(),
        windows(lake, spec));
    assertTrue(
        StreamCheckpoint.heldWindows(
                TestSpark.session().sparkContext().hadoopConfiguration(), checkpoint)
            .isEmpty(),
        "nothing held once the no-data batch ran");
  }

  private static void runWithNoDataBatches(TidemarkConfig lake, PipelineSpec spec, boolean on)
      throws Exception {
    var conf = TestSpark.session().conf();
    conf.set(NO_DATA_BATCHES, Boolean.toString(on));
    try {
      new StreamRunner(TestSpark.session(), lake)
          .start(spec, TriggerSpec.availableNowTrigger())
          .awaitTermination();
    } finally {
      conf.unset(NO_DATA_BATCHES);
    }
  }

  /** The card's windows in the gold table: start and transaction count. */
  private static List<String> windows(TidemarkConfig lake, PipelineSpec spec) {
    return TestSpark.table(lake.tablePath(spec)).orderBy("window_start").collectAsList().stream()
        .map(
            r ->
                r.getTimestamp(r.fieldIndex("window_start")).toInstant()
                    + " "
                    + r.getLong(r.fieldIndex("txn_count")))
        .toList();
  }

  private static GeneratedEvent event(int minute, int second) {
    return CardPipelineFiles.transaction(
        "card-1", "5.00", START.plusSeconds(60L * minute + second));
  }
}
