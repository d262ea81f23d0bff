package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.InProcessCli;
import dev.tidemark.InProcessCli.Result;
import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code backfill --dry-run} on a lake where a backfill has run: the chunks and the gold rows each
 * would replace, exactly, and nothing written (no table version, no lock, no journal).
 */
class BackfillDryRunIT {
  private static final Instant T0 = Instant.parse("2026-06-02T12:00:00Z");

  @Test
  void dryRunPrintsEachChunkAndTheRowsItWouldReplace() throws IOException {
    CardPipelineFiles.CardLake cards = CardPipelineFiles.lake("dry-run", "update");
    PipelineSpec spec = cards.config().pipeline("cards-update").orElseThrow();
    // Given cards with transactions in minutes 0 (c1, c2), 1 (c1), 2 (c1, c2, c3), 3 (c2) and 5
    // (c1), backfilled: one gold row per card and minute, 2 + 1 + 3 + 1 + 0 + 1 = 8 rows,
    List<GeneratedEvent> events = new ArrayList<>();
    String[][] cardsByMinute = {{"c1", "c2"}, {"c1"}, {"c1", "c2", "c3"}, {"c2"}, {}, {"c1"}};
    for (int m = 0; m < cardsByMinute.length; m++) {
      for (String card : cardsByMinute[m]) {
        events.add(CardPipelineFiles.transaction(card, "5.00", T0.plusSeconds(60L * m + 10)));
      }
    }
    EventProducer.send(cards.config().bootstrapServers(), cards.topic(), events);
    Result backfill = cli(cards, "backfill", "-p", "cards-update", "--from", at(0), "--to", at(6));
    assertEquals(0, backfill.exitCode(), backfill.err());
    String gold = cards.config().tablePath(spec);
    assertEquals(8, TestSpark.table(gold).count());
    long version = DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0);
    List<String> bookkeeping = files(Path.of(cards.config().lake().replace("file:", "")));

    // when a backfill of 12:00-12:08 in two-minute chunks is dry-run,
    Result dry =
        cli(
            cards,
            "backfill",
            "-p",
            "cards-update",
            "--from",
            at(0),
            "--to",
            at(8),
            "--chunk",
            "2 minutes",
            "--dry-run");

    // then it prints each chunk with the rows it would replace, and writes nothing.
    assertEquals(0, dry.exitCode(), dry.err());
    assertEquals(
        String.join(
            "\n",
            "backfill cards-update ["
                + at(0)
                + ", "
                + at(8)
                + ") dry run: would read kafka and replace rows of "
                + gold
                + " in 4 chunks",
            "  chunk 1/4 [" + at(0) + ", " + at(2) + "): would replace 3 rows",
            "  chunk 2/4 [" + at(2) + ", " + at(4) + "): would replace 4 rows",
            "  chunk 3/4 [" + at(4) + ", " + at(6) + "): would replace 1 rows",
            "  chunk 4/4 [" + at(6) + ", " + at(8) + "): would replace 0 rows",
            "backfill cards-update ["
                + at(0)
                + ", "
                + at(8)
                + ") dry run: 8 rows would be replaced; nothing was written",
            ""),
        dry.out());
    assertEquals(
        version, DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0));
    assertEquals(bookkeeping, files(Path.of(cards.config().lake().replace("file:", ""))));
  }

  private static Result cli(CardPipelineFiles.CardLake cards, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(cards.cli());
    return InProcessCli.run(all.toArray(String[]::new));
  }

  private static String at(int minute) {
    return T0.plusSeconds(60L * minute).toString();
  }

  /** Every file under the lake, relative, sorted. */
  private static List<String> files(Path lake) throws IOException {
    try (Stream<Path> all = Files.walk(lake)) {
      return all.filter(Files::isRegularFile)
          .map(p -> lake.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
