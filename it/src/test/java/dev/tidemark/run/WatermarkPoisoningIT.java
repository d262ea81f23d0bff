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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 14, finding 1: one event stamped in the future must not move the watermark past every event
 * to come. The card pipeline of {@link CardPipelineFiles} in update mode: one-minute windows, a
 * watermark two minutes behind the newest event, bronze on, run through the command line.
 */
class WatermarkPoisoningIT {
  private static final String BOUND_REASON =
      "event time more than 15 minutes after it reached Kafka (source.max-event-time-ahead)";

  record Run(int exitCode, String out, String err) {}

  /** A lake and pipeline files of their own, and the CLI arguments that point at them. */
  private record Setup(
      String topic, List<String> common, TidemarkConfig config, PipelineSpec spec) {
    Run tidemark(String... args) {
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

    void send(List<GeneratedEvent> events) {
      EventProducer.send(config.bootstrapServers(), topic, events);
    }

    /** Gold as {@code card window_start txn_count}, in order. */
    List<String> gold() {
      return table(config.tablePath(spec))
          .orderBy("card_id", "window_start")
          .collectAsList()
          .stream()
          .map(
              r ->
                  r.getString(r.fieldIndex("card_id"))
                      + " "
                      + r.getTimestamp(r.fieldIndex("window_start")).toInstant()
                      + " "
                      + r.getLong(r.fieldIndex("txn_count")))
          .toList();
    }
  }

  private static Setup setup(String name) throws Exception {
    CardPipelineFiles.CardLake cards = CardPipelineFiles.lake(name, "update");
    return new Setup(
        cards.topic(),
        cards.cli(),
        cards.config(),
        cards.config().pipeline("cards-update").orElseThrow());
  }

  /** A card transaction with an event time and the Kafka timestamp it is sent with. */
  private static GeneratedEvent txn(String card, String amount, Instant eventTime, Instant kafka) {
    GeneratedEvent e = CardPipelineFiles.transaction(card, amount, eventTime);
    return new GeneratedEvent(
        e.key(), e.value(), kafka.toEpochMilli(), eventTime, GeneratedEvent.Kind.ON_TIME);
  }

  @Test
  void anEventHoursAheadOfItsKafkaTimestampIsQuarantinedAndEveryOtherEventReachesGold()
      throws Exception {
    Setup s = setup("poison");
    Instant t0 = Instant.parse("2026-06-01T12:00:00Z");
    // Given five transactions of 12:00-12:04 and one stamped 20 hours ahead by a broken clock,
    // its Kafka timestamp correct (the broker's, or another clock's),
    List<GeneratedEvent> first = new ArrayList<>();
    for (int m = 0; m < 5; m++) {
      Instant t = t0.plusSeconds(60L * m + 10);
      first.add(txn("c1", "1.00", t, t.plusSeconds(5)));
    }
    GeneratedEvent future =
        txn("c9", "9.00", t0.plus(Duration.ofHours(20)), t0.plusSeconds(4 * 60 + 20));
    first.add(future);
    s.send(first);
    Run run = s.tidemark("stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());

    // when five more come (12:05-12:09), and one with an amount of NaN,
    List<GeneratedEvent> second = new ArrayList<>();
    for (int m = 5; m < 10; m++) {
      Instant t = t0.plusSeconds(60L * m + 10);
      second.add(txn("c1", "1.00", t, t.plusSeconds(5)));
    }
    GeneratedEvent nan = txn("c2", "NaN", t0.plusSeconds(9 * 60 + 30), t0.plusSeconds(9 * 60 + 31));
    second.add(nan);
    s.send(second);
    run = s.tidemark("stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());

    // then the future event is in quarantine with its reason, so is the NaN,
    assertEquals(
        List.of(
            new String(nan.value(), StandardCharsets.UTF_8)
                + " | field 'amount' is not a finite number: NaN",
            new String(future.value(), StandardCharsets.UTF_8) + " | " + BOUND_REASON),
        TestSpark.rows(
            table(s.config().quarantinePath(s.spec()))
                .orderBy("offset")
                .selectExpr("cast(value AS STRING)", "reason")));
    // and every normal event is in gold, in its own window, none dropped as late.
    assertEquals(
        IntStream.range(0, 10).mapToObj(m -> "c1 " + t0.plusSeconds(60L * m) + " 1").toList(),
        s.gold());
    assertEquals(
        0L,
        table(s.config().metricsPath())
            .where("pipeline = 'cards-update' AND query = 'gold'")
            .selectExpr("sum(late_rows_dropped)")
            .first()
            .getLong(0));
  }

  @Test
  void aProducerClockAheadIsWarnedByStatusAndRepairFindsTheEventsDroppedBehindTheWatermark()
      throws Exception {
    Setup s = setup("skewed");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // Given on-time transactions of the last minutes, and one from a producer whose clock runs
    // three hours ahead: on a CreateTime topic its Kafka timestamp comes from the same clock, so
    // the bound cannot see it,
    List<GeneratedEvent> first = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      Instant t = now.minus(Duration.ofMinutes(10 - m));
      first.add(txn("c1", "1.00", t, t.plusSeconds(5)));
    }
    Instant ahead = now.plus(Duration.ofHours(3));
    first.add(txn("c9", "9.00", ahead, ahead));
    s.send(first);
    Run run = s.tidemark("stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());

    // then status warns that the watermark is ahead of the clock;
    Run status = s.tidemark("status", "-p", "cards-update");
    assertEquals(0, status.exitCode(), status.err());
    assertTrue(
        status.out().contains("WARNING      watermark " + ahead.minus(Duration.ofMinutes(2)))
            && status.out().contains("ahead of the clock"),
        status.out());

    // when on-time transactions follow (Kafka timestamps a second after their event times),
    Instant sent = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<GeneratedEvent> second = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Instant t = sent.plusSeconds(2 + 10L * i);
      second.add(txn("c1", "1.00", t, t.plusSeconds(1)));
    }
    s.send(second);
    run = s.tidemark("stream", "--available-now");
    assertEquals(0, run.exitCode(), run.err());

    // then the stream drops them behind its watermark,
    assertEquals(
        6L,
        table(s.config().metricsPath())
            .where("pipeline = 'cards-update' AND query = 'gold'")
            .selectExpr("sum(late_rows_dropped)")
            .first()
            .getLong(0));
    Map<String, Integer> expected = new TreeMap<>();
    first.forEach(e -> expected.merge(window(e), 1, Integer::sum));
    List<String> before = s.gold();
    assertEquals(
        expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList(), before);

    // and repair finds exactly them, judged against the watermark the stream had, and puts them
    // back.
    Run repair = s.tidemark("repair", "-p", "cards-update");
    assertEquals(0, repair.exitCode(), repair.err() + repair.out());
    assertTrue(repair.out().contains(", 6 late "), repair.out());
    second.forEach(e -> expected.merge(window(e), 1, Integer::sum));
    assertEquals(
        expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList(), s.gold());
  }

  /** {@code card window_start} of a transaction's one-minute window. */
  private static String window(GeneratedEvent e) {
    return e.key() + " " + e.eventTime().truncatedTo(ChronoUnit.MINUTES);
  }
}
