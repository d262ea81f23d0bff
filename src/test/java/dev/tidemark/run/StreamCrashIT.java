package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratedEvent.Kind;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once across crashes: a separate driver process ({@code tidemark stream --available-now}
 * in a child JVM) is killed with SIGKILL at random points, at least {@value #KILLS} times, and
 * restarted from its checkpoints until it has consumed all input. Its tables must then equal, row
 * for row, those of an uninterrupted run over the same topic: gold in update mode (MERGE), gold in
 * append mode and both quarantine tables (the input holds malformed records and rule violations).
 *
 * <p>The kill delays come from a seeded random generator; the seed and every kill point (time, last
 * planned and committed batch per query, table versions) are logged and written to {@code
 * target/stream-crash-it/kill-points.txt}. Rerun a failure with {@code -Dtidemark.crash.seed=N}.
 */
class StreamCrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCrashIT.class);
  static final int KILLS = 5;
  static final int EVENTS = 300;
  static final int BATCH = 50;
  static final Instant START = Instant.parse("2026-05-05T05:00:00Z");

  static final String UPDATE = "cards-update";
  static final String APPEND = "cards-append";

  /**
   * A table both runs write, with the columns that legitimately differ between runs (wall-clock
   * times) left out of the comparison.
   */
  record ComparedTable(
      String name, Function<TidemarkConfig, String> path, List<String> ignoredColumns) {}

  /** Every table compared; one line per table (add bronze here once it exists). */
  static List<ComparedTable> comparedTables(TidemarkConfig any) {
    PipelineSpec update = any.pipeline(UPDATE).orElseThrow();
    PipelineSpec append = any.pipeline(APPEND).orElseThrow();
    return List.of(
        new ComparedTable("gold, update mode (MERGE)", c -> c.tablePath(update), List.of()),
        new ComparedTable("gold, append mode", c -> c.tablePath(append), List.of()),
        new ComparedTable(
            "quarantine of " + UPDATE, c -> c.quarantinePath(update), List.of("quarantined_at")),
        new ComparedTable(
            "quarantine of " + APPEND, c -> c.quarantinePath(append), List.of("quarantined_at")));
  }

  @Test
  void killedAtRandomPointsAndRestartedTheTablesEqualThoseOfAnUninterruptedRun() throws Exception {
    long seed = Long.getLong("tidemark.crash.seed", System.nanoTime() % 1_000_000);
    Random random = new Random(seed);
    LOG.info("crash test seed {} (rerun with -Dtidemark.crash.seed={})", seed, seed);
    Path work =
        TestSpark.projectDir()
            .resolve("target/stream-crash-it/" + UUID.randomUUID().toString().substring(0, 8));
    String topic = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf = CardPipelineFiles.write(work, topic, BATCH, "update", "append");
    TidemarkConfig crashed = load(conf, work.resolve("crashed-lake"));
    TidemarkConfig reference = load(conf, work.resolve("reference-lake"));

    // Given a topic holding card transactions, some malformed and some breaking the rule.
    TestKafka.broker().createTopics(List.of(topic), 2);
    List<GeneratedEvent> input =
        new ArrayList<>(
            SampleEvents.generate(
                "card-transactions",
                new GeneratorSettings(
                    START,
                    Duration.ofMinutes(20),
                    EVENTS,
                    seed,
                    Duration.ofSeconds(30),
                    0.0,
                    Duration.ZERO,
                    0.03)));
    for (int i = 0; i < 12; i++) {
      Instant t = START.plusSeconds(100L * i + 7);
      String json =
          "{\"card_id\":\"card-neg\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":-"
              + (i + 1)
              + ".5,\"event_time\":\""
              + t
              + "\"}";
      input.add(
          input.size() * (i + 1) / 13,
          new GeneratedEvent(
              "card-neg",
              json.getBytes(StandardCharsets.UTF_8),
              t.toEpochMilli(),
              null,
              Kind.ON_TIME));
    }
    EventProducer.send(crashed.bootstrapServers(), topic, input);

    // The uninterrupted run, in this JVM, while the other one is being killed.
    StreamRunner runner = new StreamRunner(TestSpark.session(), reference);
    List<RunningPipeline> uninterrupted = new ArrayList<>();
    for (String name : List.of(UPDATE, APPEND)) {
      uninterrupted.add(
          runner.start(reference.pipeline(name).orElseThrow(), TriggerSpec.availableNowTrigger()));
    }

    // When the driver is killed at random points and restarted until it has consumed everything.
    List<String> killPoints = new ArrayList<>();
    long testStart = System.nanoTime();
    int kills = 0;
    Process driver = null;
    try {
      for (int incarnation = 1; ; incarnation++) {
        Path log = work.resolve("driver-" + incarnation + ".log");
        driver = TidemarkProcess.start(log, streamArgs(conf, crashed));
        long started = System.nanoTime();
        if (kills >= KILLS) {
          assertTrue(driver.waitFor(12, TimeUnit.MINUTES), "the last run finishes");
          assertEquals(0, driver.exitValue(), TidemarkProcess.output(log));
          LOG.info(
              "run {} consumed the rest and exited 0 at {} s: {}",
              incarnation,
              (System.nanoTime() - testStart) / 1_000_000_000,
              progress(crashed));
          break;
        }
        // Let this run make real progress, then kill it at a random moment: after 1 or 2 batch
        // commits (by any of the four queries) and 0 to 2 s more, so kills land inside and between
        // micro-batches, after some batches were committed, and the input gets consumed.
        int events = 1 + random.nextInt(2);
        String seen = commits(crashed);
        long deadline = started + TimeUnit.MINUTES.toNanos(6);
        for (int seenEvents = 0; driver.isAlive() && seenEvents < events; ) {
          assertTrue(System.nanoTime() < deadline, "the driver makes progress");
          String now = commits(crashed);
          if (!now.equals(seen)) {
            seenEvents++;
            seen = now;
          }
          Thread.sleep(20);
        }
        assertTrue(
            driver.isAlive(),
            "the input was consumed after "
                + kills
                + " kills; feed more events or lower maxOffsetsPerTrigger:\n"
                + TidemarkProcess.output(log));
        long delayMs = random.nextInt(2000);
        Thread.sleep(delayMs);
        String state = progress(crashed);
        driver.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no clean stop
        kills++;
        String point =
            String.format(
                "kill %d at %.1f s (run %d up %.1f s, %d commits + %d ms): %s",
                kills,
                (System.nanoTime() - testStart) / 1e9,
                incarnation,
                (System.nanoTime() - started) / 1e9,
                events,
                delayMs,
                state);
        LOG.info(point);
        killPoints.add(point);
      }
    } finally {
      if (driver != null && driver.isAlive()) {
        driver.destroyForcibly().waitFor();
      }
    }
    Files.write(
        work.getParent().resolve("kill-points.txt"),
        Stream.concat(Stream.of("seed " + seed), killPoints.stream()).toList());
    for (RunningPipeline p : uninterrupted) {
      p.awaitTermination();
    }

    // Then every table is identical to the uninterrupted run's, row for row.
    assertTrue(kills >= KILLS, "killed at least " + KILLS + " times");
    for (ComparedTable t : comparedTables(reference)) {
      List<String> expected = rows(t, reference);
      List<String> actual = rows(t, crashed);
      assertFalse(expected.isEmpty(), t.name() + " is not empty");
      assertEquals(expected.size(), actual.size(), t.name() + ": row count (seed " + seed + ")");
      assertEquals(expected, actual, t.name() + " (seed " + seed + ")");
      LOG.info("{}: {} rows, identical", t.name(), actual.size());
    }
    long malformed = input.stream().filter(e -> e.kind() == Kind.MALFORMED).count();
    assertEquals(
        malformed + 12,
        TestSpark.table(crashed.quarantinePath(crashed.pipeline(UPDATE).orElseThrow())).count(),
        "every malformed record and rule violation quarantined once");
  }

  private static String[] streamArgs(Path conf, TidemarkConfig lake) {
    return new String[] {
      "stream",
      "--conf",
      conf.toString(),
      "--available-now",
      "--set",
      ConfigKeys.LAKE + "=" + lake.lake(),
      "--set",
      ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + lake.bootstrapServers()
    };
  }

  private static TidemarkConfig load(Path conf, Path lake) {
    return ConfigLoader.load(
        conf,
        Map.of(
            ConfigKeys.LAKE,
            lake.toString(),
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            TestKafka.broker().bootstrapServers()));
  }

  /** The table's rows as sorted strings, binary columns in hex, ignored columns left out. */
  private static List<String> rows(ComparedTable t, TidemarkConfig lake) {
    Dataset<Row> table = TestSpark.table(t.path().apply(lake));
    Column[] columns =
        Arrays.stream(table.schema().fields())
            .filter(f -> !t.ignoredColumns().contains(f.name()))
            .map(
                f ->
                    f.dataType() instanceof BinaryType
                        ? functions.hex(functions.col(f.name())).as(f.name())
                        : functions.col(f.name()))
            .toArray(Column[]::new);
    return TestSpark.rows(table.select(columns));
  }

  /** The last committed batch of every query: changes when a batch ends. */
  private static String commits(TidemarkConfig lake) throws IOException {
    StringBuilder s = new StringBuilder();
    for (String name : List.of(UPDATE, APPEND)) {
      PipelineSpec spec = lake.pipeline(name).orElseThrow();
      for (String query : List.of(StreamRunner.GOLD_QUERY, StreamRunner.QUARANTINE_QUERY)) {
        Path cp = local(lake.checkpointPath(spec, query));
        s.append(last(cp.resolve("commits"), "").orElse(-1)).append(' ');
      }
    }
    return s.toString();
  }

  /**
   * Per query of both pipelines, the last planned and the last committed batch, and the versions of
   * the four tables: read from the files, so it costs nothing while the driver runs.
   */
  private static String progress(TidemarkConfig lake) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String name : List.of(UPDATE, APPEND)) {
      PipelineSpec spec = lake.pipeline(name).orElseThrow();
      for (String query : List.of(StreamRunner.GOLD_QUERY, StreamRunner.QUARANTINE_QUERY)) {
        Path cp = local(lake.checkpointPath(spec, query));
        parts.add(
            name
                + "/"
                + query
                + " planned "
                + last(cp.resolve("offsets"), "").orElse(-1)
                + " committed "
                + last(cp.resolve("commits"), "").orElse(-1));
      }
      parts.add(
          name
              + " gold v"
              + last(local(lake.tablePath(spec)).resolve("_delta_log"), ".json").orElse(-1)
              + " quarantine v"
              + last(local(lake.quarantinePath(spec)).resolve("_delta_log"), ".json").orElse(-1));
    }
    return String.join(", ", parts);
  }

  private static Path local(String uri) {
    return Path.of(java.net.URI.create(uri));
  }

  /** The highest number among the file names (with the given suffix) of a folder. */
  private static OptionalLong last(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return OptionalLong.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .map(n -> n.substring(0, n.length() - suffix.length()))
          .filter(n -> n.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max();
    }
  }
}
