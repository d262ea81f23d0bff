package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Append mode across stops, shown deterministically. A sliced append-mode stream writes the windows
 * a batch's watermark closes in that same batch, so a stop (or a kill) after any batch leaves no
 * closed window behind in state: Spark's stateful append mode writes them in a following no-data
 * batch, which it does not plan after a restart, and held them until the next batch with data. The
 * first run runs with Spark's no-data batches off ({@code
 * spark.sql.streaming.noDataMicroBatches.enabled}), which is what a stop right after the batch with
 * data leaves: the sliced stream does not need them.
 */
class AppendModeRestartIT {
  private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
  private static final String NO_DATA_BATCHES = "spark.sql.streaming.noDataMicroBatches.enabled";

  @Test
  void windowsClosedByABatchAreWrittenByThatBatchOnceAndNothingIsHeldAcrossAStop()
      throws Exception {
    CardPipelineFiles.CardLake cards = CardPipelineFiles.lake("held", "append");
    String topic = cards.topic();
    TidemarkConfig lake = cards.config();
    PipelineSpec spec = lake.pipeline("cards-append").orElseThrow();

    // Given one transaction a minute from 12:00 to 12:05 (watermark: 2 minutes behind the latest),
    EventProducer.send(
        lake.bootstrapServers(), topic, IntStream.range(0, 6).mapToObj(m -> event(m, 7)).toList());

    // when a run stops right after its batch with data (no no-data batch),
    runWithNoDataBatches(lake, spec, false);
    // then the windows its watermark (12:03:07) closed, 12:00-12:02, are written;
    List<String> closed =
        IntStream.range(0, 3).mapToObj(m -> START.plusSeconds(60L * m) + " 1").toList();
    assertEquals(closed, windows(lake, spec));

    // a restart with no new input writes nothing more and nothing twice;
    runWithNoDataBatches(lake, spec, true);
    assertEquals(closed, windows(lake, spec), "nothing written by a restart without data");

    // when one more transaction comes (12:10), every window before 12:08 is written, once.
    EventProducer.send(lake.bootstrapServers(), topic, List.of(event(10, 0)));
    runWithNoDataBatches(lake, spec, true);
    assertEquals(
        IntStream.range(0, 6).mapToObj(m -> START.plusSeconds(60L * m) + " 1").toList(),
        windows(lake, spec));
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
