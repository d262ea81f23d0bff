package dev.tidemark.run;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestSpark;
import dev.tidemark.cli.TidemarkCli;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import io.delta.tables.DeltaTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 14, finding 6: a backfill must not write windows an append-mode stream has not closed, or
 * the stream appends them again later. The append-mode card pipeline of {@link CardPipelineFiles}
 * (one-minute windows, watermark two minutes behind the newest event), through the command line.
 */
class AppendBackfillIT {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

  record Run(int exitCode, String out, String err) {}

  @Test
  void backfillRefusesWindowsTheAppendStreamHasNotClosedUnlessForced() throws Exception {
    CardPipelineFiles.CardLake cards = CardPipelineFiles.lake("append-backfill", "append");
    String topic = cards.topic();
    List<String> common = cards.cli();
    TidemarkConfig config = cards.config();
    PipelineSpec spec = config.pipeline("cards-append").orElseThrow();
    String gold = config.tablePath(spec);

    // Given one transaction a minute, 12:00-12:05, streamed: the watermark is 12:03:07, so the
    // stream has written the windows 12:00-12:02 and will append 12:03-12:05 when it passes them,
    EventProducer.send(
        config.bootstrapServers(),
        topic,
        IntStream.range(0, 6).mapToObj(m -> txn(T0.plusSeconds(60L * m + 7))).toList());
    Run run = tidemark(common, "stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(minutes(0, 3), windows(gold));
    long version = DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0);

    // when a backfill asks for 12:00-12:06, then it is refused with exit code 2, naming the
    // windows the stream still owns and why, and nothing is written;
    Run refused =
        tidemark(common, "backfill", "-p", "cards-append", "--from", at(0), "--to", at(6));
    assertEquals(2, refused.exitCode(), refused.out() + refused.err());
    assertEquals(
        "tidemark: backfill cards-append ["
            + at(0)
            + ", "
            + at(6)
            + ") refused: the append-mode stream of cards-append has not closed the windows"
            + " starting in ["
            + at(3)
            + ", "
            + at(6)
            + ") (its watermark is 2026-06-01T12:03:07Z, in "
            + config.checkpointPath(spec, "gold")
            + "). It appends each window once, when its watermark reaches the window's end, so"
            + " it would append these again after the backfill wrote them, and the table would"
            + " hold them twice. Backfill the closed part with --to "
            + at(3)
            + "; for the rest, wait until the stream's watermark reaches "
            + at(6)
            + ", or pass --force if that stream will not write them (it is retired, or restarts"
            + " on a new checkpoint).\n",
        refused.err());
    assertEquals(
        version, DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0));

    // the closed windows can be backfilled;
    Run closed = tidemark(common, "backfill", "-p", "cards-append", "--from", at(0), "--to", at(3));
    assertEquals(0, closed.exitCode(), closed.err());
    assertEquals(minutes(0, 3), windows(gold));

    // and when the stream moves on (a transaction at 12:10), it appends 12:03-12:07 once: every
    // window is in the table exactly once.
    EventProducer.send(config.bootstrapServers(), topic, List.of(txn(T0.plusSeconds(600))));
    run = tidemark(common, "stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(minutes(0, 6), windows(gold));

    // --force replaces windows the stream has not closed (watermark now 12:08), saying so.
    Run forced =
        tidemark(
            common, "backfill", "-p", "cards-append", "--from", at(8), "--to", at(12), "--force");
    assertEquals(0, forced.exitCode(), forced.err());
    assertTrue(
        forced.out().contains("--force: replacing windows [" + at(8) + ", " + at(12) + ")"),
        forced.out());
    List<String> expected = new ArrayList<>(minutes(0, 6));
    expected.add(T0.plusSeconds(600) + " 1");
    assertEquals(expected, windows(gold));
  }

  private static String at(int minute) {
    return T0.plusSeconds(60L * minute).toString();
  }

  /** {@code window_start 1} for the windows of minutes {@code [from, to)}. */
  private static List<String> minutes(int from, int to) {
    return IntStream.range(from, to).mapToObj(m -> at(m) + " 1").toList();
  }

  private static GeneratedEvent txn(Instant t) {
    return CardPipelineFiles.transaction("card-1", "5.00", t);
  }

  /** The card's windows in the gold table, in order: start and transaction count. */
  private static List<String> windows(String gold) {
    return table(gold).orderBy("window_start").collectAsList().stream()
        .map(
            r ->
                r.getTimestamp(r.fieldIndex("window_start")).toInstant()
                    + " "
                    + r.getLong(r.fieldIndex("txn_count")))
        .toList();
  }

  private static Run tidemark(List<String> common, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(common);
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
