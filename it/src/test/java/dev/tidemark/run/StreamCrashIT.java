package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestS3;
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
import dev.tidemark.pipeline.BronzeRecords;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once across crashes: a separate driver process ({@code tidemark stream --available-now}
 * in a child JVM, bronze ingest included) is killed with SIGKILL several times and restarted from
 * its checkpoints until it has consumed all input: with its lake (tables and checkpoints) on a
 * local disk and on an S3 server (S3Proxy, the child configured by conf/s3-local.conf as in
 * production), killed once (the kill aimed at the dangerous window below, again until one hits it)
 * and then {@code -Dtidemark.crash.kills=N} minus one times more at random (the CI kills once, to
 * fit its time budget). Its tables must then equal, row for row, those of an uninterrupted run over
 * the same topic (in this JVM): bronze (ingest time aside), gold in update mode, gold in append
 * mode and both quarantine tables (the input holds malformed records and rule violations). Bronze
 * must hold every record of the topic exactly once, and the update-mode table must have applied
 * every batch once: as many batch writes (replaceWhere of the sliced stream, MERGE on Spark's
 * stateful path) as the uninterrupted run (a write of full aggregates applied twice leaves the same
 * rows, so only the history shows it).
 *
 * <p>On Spark's stateful path a kill between an append-mode query's last data batch and the no-data
 * batch after it leaves windows the watermark has passed in state until the next batch with data
 * (the sliced stream writes them in the batch that closes them; see {@link AppendModeRestartIT}).
 * So the append-mode table is first checked to hold a subset of the uninterrupted run's rows; when
 * windows are missing, one more event is sent and both lakes run once more; then every table must
 * be identical.
 *
 * <p>Two kinds of kill, both placed by watching the files the driver writes (never by fixed
 * sleeps):
 *
 * <ul>
 *   <li>{@link KillKind#RANDOM}: after the first batch commit of the run (any of its five queries)
 *       and 0 to 1999 ms more, so kills land inside and between micro-batches while each run moves
 *       the input on by little (each query has only 3 or 4 batches);
 *   <li>{@link KillKind#MERGE_NOT_CHECKPOINTED}: the dangerous window. As soon as the update-mode
 *       gold query has committed the write of batch N (a commit with a Delta transaction id) to the
 *       Delta log but not yet written {@code commits/N} to its checkpoint. The restarted query
 *       replays batch N, and only Delta's transaction id (query id, batch id) keeps the MERGE from
 *       being applied twice. The window (Delta's post-commit work, the end of the foreachBatch, the
 *       commit-log write) measured 0.1 to 1.2 s on a busy 2-core machine; this test polls every
 *       millisecond and checks after the kill that {@code commits/N} is really absent. A kill that
 *       came too late counts as an ordinary kill and the next kill tries the window again; the test
 *       fails if none of {@value #MAX_KILLS} hit it.
 * </ul>
 *
 * <p>Cost: one driver JVM per kill plus one that finishes (three on either store), each paying a
 * Spark start and the first batches of five queries, about 50 s of CPU each (see the CPU column of
 * the kill points); the uninterrupted run (its lake on the local disk for both variants) shares
 * this JVM with the Kafka broker and starts beside the first driver. The input is kept small (212
 * records: 3 micro-batches per pipeline query and for bronze, 100 records each). The driver's files
 * are watched where they are stored: on the local disk, or in S3Proxy's filesystem backend.
 *
 * <p>The first kill aims at the window; the seed decides which MERGE of that run it catches (the
 * 1st or 2nd) and where the random kills land. The seed and every kill point (kind, whether the
 * window was hit, last planned and committed batch per query, table versions) are logged and
 * written to {@code target/stream-crash-it/kill-points-STORE.txt}. Rerun a failure with {@code
 * -Dtidemark.crash.seed=N}. CI runs the S3 lake only ({@code -Dtidemark.crash.store} defaults to
 * S3; LOCAL_DISK runs the other, {@code all} both): S3 is the production store and the harder one
 * (no atomic rename for the checkpoint, commits by conditional PUT), and each store costs about 7
 * minutes of one CI fork on this 2-core machine.
 */
class StreamCrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCrashIT.class);
  static final int EVENTS = 200;
  static final int BATCH = 100;
  static final int BRONZE_BATCH = 100;
  static final Instant START = Instant.parse("2026-05-05T05:00:00Z");

  static final String UPDATE = "cards-update";
  static final String APPEND = "cards-append";

  /** Kills at most, when the kills aimed at the MERGE-before-checkpoint window keep missing it. */
  static final int MAX_KILLS = 4;

  /** Where the crashed driver's lake lives. */
  enum Store {
    LOCAL_DISK,
    S3
  }

  /** How a kill was placed (see the class comment). */
  enum KillKind {
    RANDOM,
    MERGE_NOT_CHECKPOINTED
  }

  /**
   * A table both runs write, with the columns that legitimately differ between runs (wall-clock
   * times) left out of the comparison.
   */
  record ComparedTable(
      String name, Function<TidemarkConfig, String> path, List<String> ignoredColumns) {}

  /** Every table compared; one line per table. */
  static List<ComparedTable> comparedTables(TidemarkConfig any) {
    PipelineSpec update = any.pipeline(UPDATE).orElseThrow();
    PipelineSpec append = any.pipeline(APPEND).orElseThrow();
    String topic = update.source().topics().get(0);
    return List.of(
        new ComparedTable(
            "bronze of " + topic,
            c -> c.bronzePath(topic),
            List.of(BronzeRecords.INGEST_TIME, BronzeRecords.INGEST_DATE)),
        new ComparedTable("gold, update mode", c -> c.tablePath(update), List.of()),
        new ComparedTable("gold, append mode", c -> c.tablePath(append), List.of()),
        new ComparedTable(
            "quarantine of " + UPDATE, c -> c.quarantinePath(update), List.of("quarantined_at")),
        new ComparedTable(
            "quarantine of " + APPEND, c -> c.quarantinePath(append), List.of("quarantined_at")));
  }

  @ParameterizedTest(name = "lake on {0}")
  @EnumSource(Store.class)
  void killedAtRandomPointsAndRestartedTheTablesEqualThoseOfAnUninterruptedRun(Store store)
      throws Exception {
    String stores = System.getProperty("tidemark.crash.store", Store.S3.name());
    assumeTrue(
        stores.equals("all") || stores.equals(store.name()),
        "only the store named by -Dtidemark.crash.store (S3 unless set; all for both)");
    boolean s3 = store == Store.S3;
    int killsWanted = Integer.getInteger("tidemark.crash.kills", 1);
    long seed = Long.getLong("tidemark.crash.seed", System.nanoTime() % 1_000_000);
    Random random = new Random(seed);
    LOG.info("crash test seed {} (rerun with -Dtidemark.crash.seed={})", seed, seed);
    Path work =
        TestSpark.projectDir()
            .resolve("target/stream-crash-it/" + UUID.randomUUID().toString().substring(0, 8));
    String topic = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf =
        CardPipelineFiles.write(
            work, s3 ? "conf/s3-local.conf" : "conf/local.conf", topic, BATCH, "update", "append");
    // Bronze in several micro-batches too, so kills land inside its batches as well.
    Files.writeString(
        conf,
        ConfigKeys.BRONZE_OPTIONS + ".maxOffsetsPerTrigger = " + BRONZE_BATCH + "\n",
        StandardOpenOption.APPEND);
    if (s3) {
      // This JVM reads (and, for the last event, writes) the crashed lake on S3 too.
      TestS3.configure(TestSpark.session().sparkContext().hadoopConfiguration());
    }
    TidemarkConfig crashed =
        load(conf, s3 ? TestS3.freshPrefix(topic) : work.resolve("crashed-lake").toString());
    TidemarkConfig reference = load(conf, work.resolve("reference-lake").toString());
    Map<String, String> driverEnvironment = s3 ? TestS3.childEnvironment() : Map.of();
    Path killPointsFile = work.getParent().resolve("kill-points-" + store + ".txt");

    // Given a topic holding card transactions, some malformed and some breaking the rule.
    long testStart = System.nanoTime();
    TestKafka.broker().createTopics(List.of(topic), 2);
    List<GeneratedEvent> input = input(seed);
    EventProducer.send(crashed.bootstrapServers(), topic, input);

    // The uninterrupted run, in this JVM, while the other one is being killed (started beside the
    // first driver, not before it).
    CompletableFuture<Uninterrupted> uninterrupted =
        CompletableFuture.supplyAsync(() -> Uninterrupted.start(reference, topic));

    // When the driver is killed and restarted until it has consumed everything: the first kill aims
    // at the MERGE-before-checkpoint window and, until one hits it, every later kill aims at it too
    // (up to MAX_KILLS); the others land at random.
    List<String> killPoints = new ArrayList<>(List.of("seed " + seed));
    int kills = 0;
    int windowHits = 0;
    Process driver = null;
    try {
      for (int incarnation = 1; ; incarnation++) {
        Path log = work.resolve("driver-" + incarnation + ".log");
        KillKind kind = windowHits == 0 ? KillKind.MERGE_NOT_CHECKPOINTED : KillKind.RANDOM;
        long nextVersion = last(mergeLog(crashed), ".json").orElse(-1) + 1;
        driver = TidemarkProcess.start(log, driverEnvironment, streamArgs(conf, crashed));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(10);
        if (kills >= MAX_KILLS || (kills >= killsWanted && windowHits > 0)) {
          double cpu = 0;
          while (!driver.waitFor(100, TimeUnit.MILLISECONDS)) {
            assertTrue(System.nanoTime() < started + TimeUnit.MINUTES.toNanos(12), "last run ends");
            cpu = Math.max(cpu, cpuSeconds(driver));
          }
          assertEquals(0, driver.exitValue(), TidemarkProcess.output(log));
          String end =
              String.format(
                  "run %d consumed the rest and exited 0 at %.1f s (up %.1f s, CPU %.1f s): %s",
                  incarnation,
                  (System.nanoTime() - testStart) / 1e9,
                  (System.nanoTime() - started) / 1e9,
                  cpu,
                  progress(crashed));
          LOG.info(end);
          killPoints.add(end);
          Files.write(killPointsFile, killPoints);
          break;
        }
        Kill kill =
            kind == KillKind.RANDOM
                ? killAtRandom(driver, crashed, random, deadline, log)
                : killInMergeWindow(
                    driver, crashed, nextVersion, 1 + random.nextInt(2), deadline, log);
        windowHits += kill.windowHit() ? 1 : 0;
        kills++;
        String point =
            String.format(
                "kill %d %s at %.1f s (run %d up %.1f s, CPU %.1f s), %s: %s",
                kills,
                kind,
                (System.nanoTime() - testStart) / 1e9,
                incarnation,
                (System.nanoTime() - started) / 1e9,
                kill.driverCpuSeconds(),
                kill.how(),
                progress(crashed));
        LOG.info(point);
        killPoints.add(point);
        Files.write(killPointsFile, killPoints);
      }
    } finally {
      if (driver != null && driver.isAlive()) {
        driver.destroyForcibly().waitFor();
      }
    }
    uninterrupted.join().awaitTermination();
    LOG.info(
        "uninterrupted run done at {} s; this JVM used {} s CPU (reference run, Kafka broker)",
        (System.nanoTime() - testStart) / 1_000_000_000,
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1_000_000_000);

    assertTrue(kills >= killsWanted, "killed at least " + killsWanted + " times");
    assertTrue(
        windowHits > 0,
        "a kill landed between a MERGE commit and its checkpoint commit (seed " + seed + ")");

    // Then the crashed run wrote nothing wrong: every table but the append-mode one is identical,
    // and the append-mode one holds a subset of the uninterrupted run's final windows. Windows can
    // be missing only for a kill between a query's last data batch and the no-data batch that
    // emits the windows its watermark passed: Spark does not run that no-data batch after a restart
    // (it needs the plan of the batch before), so those windows stay in state until a batch with
    // data comes.
    List<String> heldBack = new ArrayList<>();
    for (ComparedTable t : comparedTables(reference)) {
      List<String> expected = rows(t, reference);
      List<String> actual = rows(t, crashed);
      assertFalse(expected.isEmpty(), t.name() + " is not empty");
      if (t.path().apply(reference).equals(reference.tablePath(append(reference)))) {
        assertTrue(
            expected.containsAll(actual),
            t.name()
                + ": every emitted window is one of the uninterrupted run's (seed "
                + seed
                + ")");
        heldBack.addAll(expected);
        heldBack.removeAll(actual);
        LOG.info(
            "{}: {} rows, {} windows held in state until the next data",
            t.name(),
            actual.size(),
            heldBack.size());
        continue;
      }
      assertEquals(expected.size(), actual.size(), t.name() + ": row count (seed " + seed + ")");
      assertEquals(expected, actual, t.name() + " (seed " + seed + ")");
    }
    killPoints.add(heldBack.size() + " append-mode windows held in state before the next event");
    Files.write(killPointsFile, killPoints);

    // When windows were held back: one more event comes (far past every window) and both run once
    // more, uninterrupted. (None held back: the append-mode table is compared as it is.)
    if (!heldBack.isEmpty()) {
      GeneratedEvent next = nextEvent();
      EventProducer.send(crashed.bootstrapServers(), topic, List.of(next));
      Uninterrupted.start(reference, topic).awaitTermination();
      Uninterrupted.start(crashed, topic).awaitTermination();
      input.add(next);
    }

    // Then every table is identical to the uninterrupted run's, row for row.
    for (ComparedTable t : comparedTables(reference)) {
      List<String> expected = rows(t, reference);
      List<String> actual = rows(t, crashed);
      assertEquals(expected.size(), actual.size(), t.name() + ": row count (seed " + seed + ")");
      assertEquals(expected, actual, t.name() + " (seed " + seed + ")");
      LOG.info("{}: {} rows, identical", t.name(), actual.size());
    }
    // Bronze holds every record of the topic exactly once.
    Dataset<Row> bronze = TestSpark.table(crashed.bronzePath(topic));
    assertEquals(input.size(), bronze.count(), "bronze holds every record");
    assertEquals(
        input.size(),
        bronze.select("partition", "offset").distinct().count(),
        "no record twice in bronze");
    // Every batch was MERGEd once: the replay after the window kill was skipped.
    assertEquals(
        merges(reference),
        merges(crashed),
        "MERGE commits of the update-mode table, one per batch (seed " + seed + ")");
    long malformed = input.stream().filter(e -> e.kind() == Kind.MALFORMED).count();
    assertEquals(
        malformed + 12,
        TestSpark.table(crashed.quarantinePath(crashed.pipeline(UPDATE).orElseThrow())).count(),
        "every malformed record and rule violation quarantined once");
  }

  /** The uninterrupted run: both pipelines and the bronze ingest, available-now, in this JVM. */
  record Uninterrupted(List<RunningPipeline> pipelines, RunningBronze bronze) {
    static Uninterrupted start(TidemarkConfig reference, String topic) {
      try {
        StreamRunner runner = new StreamRunner(TestSpark.session(), reference);
        List<RunningPipeline> pipelines = new ArrayList<>();
        for (String name : List.of(UPDATE, APPEND)) {
          pipelines.add(
              runner.start(
                  reference.pipeline(name).orElseThrow(), TriggerSpec.availableNowTrigger()));
        }
        return new Uninterrupted(
            pipelines,
            new BronzeIngest(TestSpark.session(), reference)
                .start(List.of(topic), TriggerSpec.availableNowTrigger()));
      } catch (TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    void awaitTermination() throws StreamingQueryException {
      for (RunningPipeline p : pipelines) {
        p.awaitTermination();
      }
      bronze.awaitTermination();
    }
  }

  /** {@value #EVENTS} generated card transactions (3% malformed) and 12 with negative amounts. */
  private static List<GeneratedEvent> input(long seed) {
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
      input.add(
          input.size() * (i + 1) / 13,
          CardPipelineFiles.transaction(
              "card-neg", "-" + (i + 1) + ".5", START.plusSeconds(100L * i + 7)));
    }
    return input;
  }

  /** A valid transaction a day after the input: its watermark passes every window of the input. */
  private static GeneratedEvent nextEvent() {
    return CardPipelineFiles.transaction("card-next", "1.00", START.plus(Duration.ofDays(1)));
  }

  private static PipelineSpec append(TidemarkConfig lake) {
    return lake.pipeline(APPEND).orElseThrow();
  }

  /** What a kill did, whether it hit the MERGE-before-checkpoint window, the driver's CPU time. */
  record Kill(String how, boolean windowHit, double driverCpuSeconds) {}

  /** The CPU time a process has used so far, or 0 once it is gone. */
  private static double cpuSeconds(Process p) {
    return p.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(0.0);
  }

  /**
   * Kills the driver after the first batch commit of this run (by any query) and 0 to 1999 ms more;
   * returns what it did.
   */
  private static Kill killAtRandom(
      Process driver, TidemarkConfig lake, Random random, long deadline, Path log)
      throws IOException, InterruptedException {
    int events = 1;
    long delayMs = random.nextInt(2000);
    String seen = commits(lake);
    for (int seenEvents = 0; seenEvents < events; ) {
      assertAlive(driver, deadline, log);
      String now = commits(lake);
      if (!now.equals(seen)) {
        seenEvents++;
        seen = now;
      }
      Thread.sleep(5);
    }
    Thread.sleep(delayMs);
    assertAlive(driver, deadline, log);
    double cpu = cpuSeconds(driver);
    driver.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no clean stop
    return new Kill(events + " batch commits + " + delayMs + " ms", false, cpu);
  }

  /**
   * Kills the driver as soon as the update-mode gold query has committed a MERGE to the Delta log
   * (the {@code nth} of this run, or a later one if that one was already checkpointed when seen)
   * whose batch has no checkpoint commit yet; returns what it did and whether the checkpoint commit
   * was still absent once the driver was dead.
   */
  private static Kill killInMergeWindow(
      Process driver, TidemarkConfig lake, long nextVersion, int nth, long deadline, Path log)
      throws IOException, InterruptedException {
    Path deltaLog = mergeLog(lake);
    Path checkpoint =
        local(lake.checkpointPath(lake.pipeline(UPDATE).orElseThrow(), StreamRunner.GOLD_QUERY));
    Path commits = checkpoint.resolve("commits");
    int merges = 0;
    double cpu = 0;
    for (long version = nextVersion, polls = 0; ; polls++) {
      Path file = deltaLog.resolve(String.format("%020d.json", version));
      if (!Files.exists(file)) {
        assertAlive(driver, deadline, log);
        if (polls % 64 == 0) {
          cpu = cpuSeconds(driver);
        }
        Thread.sleep(1);
        continue;
      }
      version++;
      // The batch running is the last one planned: offsets/N+1 comes only after commits/N.
      OptionalLong batch =
          Files.readString(file).contains("\"txn\":{")
              ? last(checkpoint.resolve("offsets"), "")
              : OptionalLong.empty();
      if (batch.isEmpty()
          || ++merges < nth
          || Files.exists(commits.resolve(Long.toString(batch.getAsLong())))) {
        continue;
      }
      driver.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no clean stop
      boolean hit = !Files.exists(commits.resolve(Long.toString(batch.getAsLong())));
      return new Kill(
          String.format(
              "MERGE %d of this run (batch %d) in the Delta log as version %d, commits/%d %s",
              merges,
              batch.getAsLong(),
              version - 1,
              batch.getAsLong(),
              hit ? "absent after the kill: window hit" : "written before the kill: window missed"),
          hit,
          cpu);
    }
  }

  private static void assertAlive(Process driver, long deadline, Path log) {
    assertTrue(System.nanoTime() < deadline, "the driver makes progress");
    assertTrue(
        driver.isAlive(),
        "the driver consumed all input before it was killed; feed more events or lower"
            + " maxOffsetsPerTrigger:\n"
            + TidemarkProcess.output(log));
  }

  /**
   * The number of batch writes (a MERGE, or a replaceWhere of the sliced stream) of the update-mode
   * gold table.
   */
  private static long merges(TidemarkConfig lake) {
    return DeltaTable.forPath(
            TestSpark.session(), lake.tablePath(lake.pipeline(UPDATE).orElseThrow()))
        .history()
        .filter("operation IN ('MERGE', 'WRITE')")
        .count();
  }

  /** The Delta log of the update-mode gold table. */
  private static Path mergeLog(TidemarkConfig lake) {
    return local(lake.tablePath(lake.pipeline(UPDATE).orElseThrow())).resolve("_delta_log");
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
      ConfigKeys.CHECKPOINTS + "=" + lake.checkpoints(),
      "--set",
      ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + lake.bootstrapServers()
    };
  }

  private static TidemarkConfig load(Path conf, String lake) {
    return ConfigLoader.load(
        conf,
        Map.of(
            ConfigKeys.LAKE,
            lake,
            ConfigKeys.CHECKPOINTS,
            lake + "/_checkpoints",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            TestKafka.broker().bootstrapServers()));
  }

  /**
   * The table's rows as sorted strings: binary columns in hex, nested ones (bronze's headers) as
   * JSON, ignored columns left out.
   */
  private static List<String> rows(ComparedTable t, TidemarkConfig lake) {
    Dataset<Row> table = TestSpark.table(t.path().apply(lake));
    Column[] columns =
        Arrays.stream(table.schema().fields())
            .filter(f -> !t.ignoredColumns().contains(f.name()))
            .map(
                f -> {
                  Column c = functions.col(f.name());
                  if (f.dataType() instanceof BinaryType) {
                    return functions.hex(c).as(f.name());
                  }
                  return f.dataType() instanceof ArrayType
                          || f.dataType() instanceof StructType
                          || f.dataType() instanceof MapType
                      ? functions.to_json(c).as(f.name())
                      : c;
                })
            .toArray(Column[]::new);
    return TestSpark.rows(table.select(columns));
  }

  /** The checkpoint of each of the driver's five queries, by name. */
  private static Map<String, Path> checkpoints(TidemarkConfig lake) {
    Map<String, Path> checkpoints = new LinkedHashMap<>();
    for (String name : List.of(UPDATE, APPEND)) {
      PipelineSpec spec = lake.pipeline(name).orElseThrow();
      for (String query : List.of(StreamRunner.GOLD_QUERY, StreamRunner.QUARANTINE_QUERY)) {
        checkpoints.put(name + "/" + query, local(lake.checkpointPath(spec, query)));
      }
    }
    String topic = lake.pipeline(UPDATE).orElseThrow().source().topics().get(0);
    checkpoints.put("bronze", local(lake.bronzeCheckpointPath(topic)));
    return checkpoints;
  }

  /** The last committed batch of every query: changes when a batch ends. */
  private static String commits(TidemarkConfig lake) throws IOException {
    StringBuilder s = new StringBuilder();
    for (Path cp : checkpoints(lake).values()) {
      s.append(last(cp.resolve("commits"), "").orElse(-1)).append(' ');
    }
    return s.toString();
  }

  /**
   * Per query, the last planned and the last committed batch, and the versions of the five tables:
   * read from the files, so it costs nothing while the driver runs.
   */
  private static String progress(TidemarkConfig lake) throws IOException {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Path> q : checkpoints(lake).entrySet()) {
      parts.add(
          q.getKey()
              + " planned "
              + last(q.getValue().resolve("offsets"), "").orElse(-1)
              + " committed "
              + last(q.getValue().resolve("commits"), "").orElse(-1));
    }
    for (ComparedTable t : comparedTables(lake)) {
      parts.add(
          t.name()
              + " v"
              + last(local(t.path().apply(lake)).resolve("_delta_log"), ".json").orElse(-1));
    }
    return String.join(", ", parts);
  }

  /**
   * Where the file or folder at {@code uri} is stored on this machine: the path of a local URI, or
   * for an s3a:// URI the object's (or prefix's) place in S3Proxy's filesystem backend.
   */
  private static Path local(String uri) {
    String s3 = "s3a://" + TestS3.BUCKET + "/";
    if (uri.startsWith(s3)) {
      return TestS3.server().dataDir().resolve(TestS3.BUCKET).resolve(uri.substring(s3.length()));
    }
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
