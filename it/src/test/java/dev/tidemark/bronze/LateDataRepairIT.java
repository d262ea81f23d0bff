package dev.tidemark.bronze;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.cli.TidemarkCli;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import io.delta.tables.DeltaTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Late data, end to end through the command line. Given 90 minutes of on-time sensor readings
 * streamed (with bronze) in update mode, when 40 readings arrive more than an hour behind the
 * stream's watermark, then the stream drops and counts them, {@code repair} finds them in bronze
 * and recomputes exactly their windows, and the table equals a full backfill of the whole range.
 */
class LateDataRepairIT {
  static final Instant T0 = Instant.parse("2026-04-04T10:00:00Z");
  static final int LATE = 40;

  record Run(int exitCode, String out, String err) {}

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

  /** The event as it would be if it reached Kafka {@code late} after its event time. */
  private static GeneratedEvent reachingKafka(GeneratedEvent e, Duration late) {
    return new GeneratedEvent(
        e.key(),
        e.value(),
        e.eventTime().plus(late).toEpochMilli(),
        e.eventTime(),
        GeneratedEvent.Kind.LATE);
  }

  /** A lake of its own with sensor-readings in update mode over a topic of its own. */
  record Lake(String topic, List<String> common, TidemarkConfig config, PipelineSpec spec) {}

  private static Lake lake(String name) throws Exception {
    TestSpark.session();
    String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 2);
    Path dir = TestSpark.projectDir().resolve("target/test-lakes/late-repair-" + topic);
    Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
    Path shipped = TestSpark.projectDir().resolve("conf/pipelines");
    Files.writeString(
        pipelines.resolve("sensor-readings.conf"),
        Files.readString(shipped.resolve("sensor-readings.conf"))
            .replace("topics = [sensor-readings]", "topics = [" + topic + "]")
            .replace("output-mode = append", "output-mode = update"));
    Files.copy(shipped.resolve("sensor-readings.sql"), pipelines.resolve("sensor-readings.sql"));
    String lake = dir.resolve("lake").toString();
    List<String> common =
        List.of(
            "--set", "tidemark.lake=" + lake,
            "--set", "tidemark.checkpoints=" + lake + "/_checkpoints",
            "--set", "tidemark.pipelines-dir=" + pipelines,
            "--set", "tidemark.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers());
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 1; i < common.size(); i += 2) {
      String[] kv = common.get(i).split("=", 2);
      overrides.put(kv[0], kv[1]);
    }
    TidemarkConfig config =
        ConfigLoader.load(TestSpark.projectDir().resolve("conf/local.conf"), overrides);
    return new Lake(topic, common, config, config.pipeline("sensor-readings").orElseThrow());
  }

  @Test
  void droppedLateEventsAreCountedThenRepairMakesTheTableEqualAFullBackfill() throws Exception {
    Lake lake = lake("late-readings");
    String topic = lake.topic();
    List<String> common = lake.common();
    TidemarkConfig config = lake.config();
    PipelineSpec spec = lake.spec();
    String gold = config.tablePath(spec);

    // Given 90 minutes of on-time readings, streamed until caught up.
    List<GeneratedEvent> onTime =
        SampleEvents.generate(
            "sensor-readings",
            GeneratorSettings.of(T0, Duration.ofMinutes(90), 1200, 3).onTimeOnly());
    EventProducer.send(config.bootstrapServers(), topic, onTime);
    Run first = tidemark(common, "stream", "--available-now");
    assertEquals(0, first.exitCode(), first.err());

    // When 40 readings of 10:15-10:25 arrive 77 minutes late, among on-time ones of 11:30-11:45,
    // more than an hour behind the watermark (11:27 and later).
    Set<String> seen = new HashSet<>();
    List<GeneratedEvent> candidates =
        SampleEvents.generate(
                "sensor-readings",
                new GeneratorSettings(
                    T0.plus(Duration.ofMinutes(15)),
                    Duration.ofMinutes(10),
                    10 * LATE,
                    4,
                    Duration.ZERO,
                    0.0,
                    Duration.ZERO,
                    0.0))
            .stream()
            // One per device and minute: Spark counts dropped rows after partial aggregation.
            .filter(e -> seen.add(e.key() + "@" + e.eventTime().truncatedTo(ChronoUnit.MINUTES)))
            .toList();
    List<GeneratedEvent> late =
        IntStream.range(0, LATE)
            .mapToObj(i -> candidates.get(i * candidates.size() / LATE)) // spread over 10 minutes
            .map(e -> reachingKafka(e, Duration.ofMinutes(77)))
            .toList();
    List<GeneratedEvent> second =
        new ArrayList<>(
            SampleEvents.generate(
                "sensor-readings",
                GeneratorSettings.of(
                        T0.plus(Duration.ofMinutes(90)), Duration.ofMinutes(15), 200, 5)
                    .onTimeOnly()));
    second.addAll(late);
    second.sort(Comparator.comparingLong(GeneratedEvent::timestamp));
    EventProducer.send(config.bootstrapServers(), topic, second);
    Run again = tidemark(common, "stream", "--available-now");
    assertEquals(0, again.exitCode(), again.err());

    // Then the stream counted them as dropped behind the watermark, and bronze has every record.
    long fed = onTime.size() + second.size();
    Row metrics =
        table(config.metricsPath())
            .where("pipeline = 'sensor-readings' AND query = 'gold'")
            .selectExpr("sum(late_rows_dropped)", "sum(input_rows)", "max(watermark)")
            .first();
    long bronzeRows = table(config.bronzePath(topic)).count();
    long quarantined = table(config.quarantinePath(spec)).count();
    assertEquals(LATE, metrics.getLong(0), "late rows dropped, from the metrics table");
    assertEquals(fed, metrics.getLong(1));
    assertEquals(fed, bronzeRows);
    assertEquals(
        fed,
        table(config.metricsPath())
            .where("pipeline = 'bronze:" + topic + "' AND query = 'bronze'")
            .selectExpr("sum(input_rows)")
            .first()
            .getLong(0),
        "the bronze ingest is in the metrics too");
    Run ingestAgain = tidemark(common, "ingest", "--available-now");
    assertEquals(0, ingestAgain.exitCode(), ingestAgain.err());
    assertTrue(
        ingestAgain.out().contains("bronze " + topic + ": " + fed + " records"),
        "ingesting again adds nothing: " + ingestAgain.out());
    long countedBefore = table(gold).selectExpr("sum(readings)").first().getLong(0);
    assertEquals(fed - quarantined - LATE, countedBefore, "the stream's table misses them");

    // When repair runs, then it recomputes exactly the windows of the late readings.
    List<String> lateMinutes =
        late.stream()
            .map(e -> e.eventTime().truncatedTo(ChronoUnit.MINUTES).toString())
            .distinct()
            .sorted()
            .toList();
    String otherWindows =
        "window_start NOT IN ("
            + String.join(", ", lateMinutes.stream().map(m -> "TIMESTAMP '" + m + "'").toList())
            + ")";
    List<String> othersBefore = rows(table(gold).where(otherWindows));
    long versionBefore =
        DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0);
    Run dryRun = tidemark(common, "repair", "-p", "sensor-readings", "--dry-run");
    assertEquals(0, dryRun.exitCode(), dryRun.err());
    assertTrue(
        dryRun.out().contains("would recompute") && dryRun.out().contains(", " + LATE + " late "),
        dryRun.out());
    assertEquals(
        versionBefore,
        DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0),
        "a dry run writes nothing");
    Run repair = tidemark(common, "repair", "--pipeline", "sensor-readings");
    assertEquals(0, repair.exitCode(), repair.err() + repair.out());
    assertTrue(
        repair.out().contains(fed + " bronze records scanned")
            && repair.out().contains(", " + LATE + " late ")
            && repair.out().contains("in " + lateMinutes.size() + " windows"),
        repair.out());
    Row recorded = table(config.repairsPath()).first();
    assertEquals(LATE, recorded.getLong(recorded.fieldIndex("late_records")));
    assertEquals(lateMinutes.size(), recorded.getLong(recorded.fieldIndex("windows_repaired")));
    long countedAfter = table(gold).selectExpr("sum(readings)").first().getLong(0);
    assertEquals(fed - quarantined, countedAfter, "read = accepted + quarantined, late included");
    List<String> repaired = rows(table(gold));
    assertEquals(othersBefore, rows(table(gold).where(otherWindows)), "no other window changed");

    // And a second repair finds nothing new and changes nothing.
    long version = DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0);
    Run twice = tidemark(common, "repair", "-p", "sensor-readings");
    assertEquals(0, twice.exitCode(), twice.err());
    assertTrue(twice.out().contains(": 0 bronze records scanned"), twice.out());
    assertEquals(
        version, DeltaTable.forPath(TestSpark.session(), gold).history(1).first().getLong(0));

    // And a full backfill of the whole range (from bronze, the default) gives the same rows.
    Run backfill =
        tidemark(
            common,
            "backfill",
            "-p",
            "sensor-readings",
            "--from",
            T0.minus(Duration.ofHours(1)).toString(),
            "--to",
            T0.plus(Duration.ofHours(3)).toString());
    assertEquals(0, backfill.exitCode(), backfill.err());
    assertTrue(backfill.out().contains("reading bronze"), backfill.out());
    List<String> full = rows(table(gold));
    assertNotEquals(0, full.size());
    assertEquals(full, repaired, "repaired table = full backfill");

    System.out.printf(
        "late-data figures: fed %d, accepted %d, quarantined %d, late dropped by the stream %d,"
            + " repaired windows %d (%s)%n",
        fed, countedAfter, quarantined, metrics.getLong(0), lateMinutes.size(), repair.out());
    assertTrue(Files.exists(Path.of(URI.create(config.bronzePath(topic)))));
  }

  @Test
  void afterOneCatchUpBatchRepairJudgesWindowsByTheWatermarkThatBatchMovedTo() throws Exception {
    Lake lake = lake("catch-up-readings");
    String gold = lake.config().tablePath(lake.spec());
    // Given 90 minutes of readings, and readings of 10:15-10:25 that reached Kafka 77 minutes
    // late, all read by one catch-up batch, which ran with no watermark yet and so dropped none,
    List<GeneratedEvent> events =
        new ArrayList<>(
            SampleEvents.generate(
                "sensor-readings",
                GeneratorSettings.of(T0, Duration.ofMinutes(90), 1200, 3).onTimeOnly()));
    List<GeneratedEvent> behind =
        SampleEvents.generate(
                "sensor-readings",
                GeneratorSettings.of(T0.plus(Duration.ofMinutes(15)), Duration.ofMinutes(10), 20, 4)
                    .onTimeOnly())
            .stream()
            // A malformed reading has no event time to be late from.
            .filter(e -> e.kind() != GeneratedEvent.Kind.MALFORMED)
            .map(e -> reachingKafka(e, Duration.ofMinutes(77)))
            .toList();
    events.addAll(behind);
    events.sort(Comparator.comparingLong(GeneratedEvent::timestamp));
    EventProducer.send(lake.config().bootstrapServers(), lake.topic(), events);
    Run stream = tidemark(lake.common(), "stream", "--available-now");
    assertEquals(0, stream.exitCode(), stream.err());
    List<String> streamed = rows(table(gold));

    // when repair runs, then it judges their windows by the watermark the batch moved the stream
    // to (about 11:27: the newest reading less the 3-minute delay), not the one the batch ran
    // with: their windows are closed, so none is deferred,
    Run repair = tidemark(lake.common(), "repair", "-p", "sensor-readings");
    assertEquals(0, repair.exitCode(), repair.err() + repair.out());
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("stream watermark (\\S+)").matcher(repair.out());
    assertTrue(m.find(), repair.out());
    Instant watermark = Instant.parse(m.group(1));
    assertTrue(watermark.isAfter(T0.plus(Duration.ofMinutes(80))), "watermark " + watermark);
    assertTrue(repair.out().contains(", " + behind.size() + " late "), repair.out());
    assertTrue(
        repair.out().contains(" 0 late records of windows still open deferred"), repair.out());

    // and recomputing those windows from bronze changes no row: the stream had counted them.
    assertEquals(streamed, rows(table(gold)));
  }
}
