package dev.tidemark.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two drivers in two JVMs of their own ({@link ConcurrentAppender}) append to the same Delta table
 * on s3a:// (S3Proxy) at the same time, {@value #COMMITS} small commits each, every row tagged with
 * its writer and commit number.
 *
 * <p>With Tidemark's conditional-put LogStore (the shipped default) every commit survives: versions
 * 0..N without a gap, the exact row count, every writer's rows present. With Delta's default S3
 * LogStore ({@code S3SingleDriverLogStore}) the same race runs as a demonstration: two drivers may
 * both write version N and the later PUT silently replaces the earlier commit. How many commits it
 * loses depends on timing (it may lose none), so that run reports its figures instead of failing on
 * them. It is a demonstration, not a check of Tidemark, and doubles the test's cost (two more
 * writer JVMs), so it runs only when asked: {@code -Dtidemark.demonstrations=true}. Each run logs
 * one line "concurrent writers, LOGSTORE: ..." with the figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentWritersIT {
  static final int COMMITS = 6;
  static final String SINGLE_DRIVER = "io.delta.storage.S3SingleDriverLogStore";
  static final List<String> WRITERS = List.of("stream", "backfill");
  private static final Logger LOG = LoggerFactory.getLogger(ConcurrentWritersIT.class);
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT writer=(\\S+) attempted=(\\d+) committed=(\\d+) failed=(\\d+) millis=(\\d+)"
              + " seqs=(\\S*)");

  /** The system property that runs the demonstration with Delta's single-driver LogStore too. */
  static final String DEMONSTRATIONS = "tidemark.demonstrations";

  Race conditionalPut;
  Race singleDriver;

  /**
   * Runs the races at once (two writer JVMs each, one go signal): the two writers of a race overlap
   * exactly as when they run alone, and the suite waits for one JVM start-up instead of two.
   */
  @BeforeAll
  void givenRacesOfTwoWritersEach() throws Exception {
    TestS3.configure(TestSpark.session().sparkContext().hadoopConfiguration());
    Path logs = TestSpark.projectDir().resolve("target/concurrent-writers-it");
    Files.createDirectories(logs);
    Path go = logs.resolve("go-" + System.nanoTime());
    List<RaceRun> runs = new ArrayList<>();
    runs.add(RaceRun.start(logs, "conditional-put", null, go));
    if (Boolean.getBoolean(DEMONSTRATIONS)) {
      runs.add(RaceRun.start(logs, "single-driver", SINGLE_DRIVER, go));
    }
    try {
      for (RaceRun run : runs) {
        run.awaitReady();
      }
      Files.createFile(go);
      conditionalPut = runs.get(0).finish();
      singleDriver = runs.size() > 1 ? runs.get(1).finish() : null;
    } finally {
      runs.forEach(RaceRun::destroy);
    }
  }

  @Test
  void withTidemarksConditionalPutLogStoreEveryCommitOfTwoDriversSurvives() {
    Race race = conditionalPut;

    assertTrue(
        race.writerLogs().contains("uses LogStore dev.tidemark.storage.S3ConditionalPutLogStore"),
        "the shipped configuration selects Tidemark's LogStore");
    assertEquals(WRITERS.size() * COMMITS, race.committed(), "every append reported success");
    assertEquals(
        LongStream.rangeClosed(0, WRITERS.size() * COMMITS).boxed().toList(),
        race.versions(),
        "versions 0 (create) .. N, contiguous");
    assertEquals(
        (long) WRITERS.size() * COMMITS * ConcurrentAppender.ROWS_PER_COMMIT,
        race.rows(),
        "exact row count");
    assertEquals(race.rows(), race.distinctRows(), "no row twice");
    for (String writer : WRITERS) {
      assertEquals(
          COMMITS, race.commitsInTableByWriter().get(writer), writer + "'s commits all present");
    }
    // What each writer reported committed is in the table, exactly: its commit numbers, each with
    // all its rows, and nothing else (the appender prints the numbers whose append returned).
    assertEquals(race.committedRows(), race.rowsInTable(), "each writer's committed rows, exactly");
    assertEquals(
        Map.of("stream", seqs(COMMITS), "backfill", seqs(COMMITS)),
        race.committedSeqsByWriter(),
        "each writer reported commits 0 .. " + (COMMITS - 1));
  }

  /** The commit numbers 0 .. n - 1, as the appender prints them. */
  private static List<String> seqs(int n) {
    return IntStream.range(0, n).mapToObj(Integer::toString).toList();
  }

  @Test
  @EnabledIfSystemProperty(named = DEMONSTRATIONS, matches = "true")
  void withDeltasSingleDriverLogStoreTwoDriversCanSilentlyLoseCommitsADemonstration() {
    Race race = singleDriver;

    assertTrue(
        race.writerLogs().contains("uses LogStore " + SINGLE_DRIVER),
        "the writers really used Delta's default S3 LogStore");
    assertEquals(WRITERS.size() * COMMITS, race.attempted(), "both writers ran to the end");
    assertTrue(race.commitsInTable() > 0, "the table holds commits");
    assertTrue(
        race.committedRows().containsAll(race.rowsInTable()),
        "the table holds no row of a commit that was not reported as done");
    assertEquals(
        race.commitsInTable() * ConcurrentAppender.ROWS_PER_COMMIT,
        race.rows(),
        "a commit is in the table whole or not at all: a lost commit loses all its rows");
    assertEquals(race.rows(), race.distinctRows(), "no row twice");
    assertEquals(
        LongStream.rangeClosed(0, race.commitsInTable()).boxed().toList(),
        race.versions(),
        "versions 0 (create) .. N contiguous, one surviving commit each: a lost commit's log entry"
            + " was overwritten, not skipped");
  }

  /** One race: a fresh table (version 0) and its two writer JVMs. */
  private record RaceRun(
      String label, String logStore, String table, List<Process> writers, List<Path> logs) {

    static RaceRun start(Path logDir, String label, String logStore, Path go) {
      String table = TestS3.freshPrefix("concurrent-" + label) + "/events";
      TestSpark.session()
          .createDataFrame(List.<Row>of(), ConcurrentAppender.SCHEMA)
          .write()
          .format("delta")
          .save(table);
      List<Process> writers = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (String writer : WRITERS) {
        Path log = logDir.resolve(label + "-" + writer + ".log");
        logs.add(log);
        List<String> args =
            new ArrayList<>(List.of(table, writer, Integer.toString(COMMITS), go.toString()));
        if (logStore != null) {
          args.add(logStore);
        }
        writers.add(
            TidemarkProcess.startTestMain(
                log,
                TestS3.childEnvironment(),
                ConcurrentAppender.class,
                args.toArray(String[]::new)));
      }
      return new RaceRun(label, logStore, table, writers, logs);
    }

    void awaitReady() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      for (int i = 0; i < writers.size(); i++) {
        while (!TidemarkProcess.output(logs.get(i)).contains("READY")) {
          assertTrue(
              writers.get(i).isAlive() && System.nanoTime() < deadline,
              "writer did not get ready:\n" + TidemarkProcess.output(logs.get(i)));
          Thread.sleep(50);
        }
      }
    }

    /** Waits for both writers, then reads what survived and logs the figures. */
    Race finish() throws InterruptedException {
      StringBuilder output = new StringBuilder();
      int attempted = 0;
      int committed = 0;
      int failed = 0;
      long slowest = 0;
      Map<String, List<String>> committedSeqs = new TreeMap<>();
      for (int i = 0; i < writers.size(); i++) {
        assertTrue(writers.get(i).waitFor(20, TimeUnit.MINUTES), "writer finished in time");
        String out = TidemarkProcess.output(logs.get(i));
        output.append(out).append('\n');
        assertEquals(0, writers.get(i).exitValue(), out);
        Matcher m = RESULT.matcher(out);
        assertTrue(m.find(), out);
        attempted += Integer.parseInt(m.group(2));
        committed += Integer.parseInt(m.group(3));
        failed += Integer.parseInt(m.group(4));
        slowest = Math.max(slowest, Long.parseLong(m.group(5)));
        committedSeqs.put(
            m.group(1), m.group(6).isEmpty() ? List.of() : List.of(m.group(6).split(",")));
      }
      SparkSession spark = TestSpark.session();
      Dataset<Row> rows = spark.read().format("delta").load(table);
      List<Long> versions =
          DeltaTable.forPath(spark, table).history().select("version").collectAsList().stream()
              .map(r -> r.getLong(0))
              .sorted()
              .toList();
      Map<String, Long> byWriter = new TreeMap<>();
      for (Row r : rows.groupBy("writer").agg(countDistinctSeq()).collectAsList()) {
        byWriter.put(r.getString(0), r.getLong(1));
      }
      List<String> inTable =
          rows.selectExpr("concat_ws('/', writer, seq, part)").collectAsList().stream()
              .map(r -> r.getString(0))
              .sorted()
              .toList();
      Race race =
          new Race(
              attempted,
              committed,
              failed,
              versions,
              rows.count(),
              rows.distinct().count(),
              byWriter,
              committedSeqs,
              inTable,
              output.toString());
      LOG.info(
          "concurrent writers, {} ({} commits each from {} JVMs, slowest writer {} ms): attempted"
              + " {}, reported committed {}, failed {}, commits in the table {} (by writer {}),"
              + " lost {}; table versions {}..{} ({} versions, {}), rows {} of {} expected",
          logStore == null ? "Tidemark S3ConditionalPutLogStore (shipped default)" : logStore,
          COMMITS,
          WRITERS.size(),
          slowest,
          attempted,
          committed,
          failed,
          race.commitsInTable(),
          byWriter,
          race.lost(),
          versions.isEmpty() ? "-" : versions.get(0),
          versions.isEmpty() ? "-" : versions.get(versions.size() - 1),
          versions.size(),
          race.contiguous() ? "contiguous" : "with gaps",
          race.rows(),
          (long) committed * ConcurrentAppender.ROWS_PER_COMMIT);
      return race;
    }

    void destroy() {
      writers.forEach(Process::destroyForcibly);
    }
  }

  private static org.apache.spark.sql.Column countDistinctSeq() {
    return org.apache.spark.sql.functions.countDistinct("seq");
  }

  /** What two writers reported and what the table holds afterwards. */
  record Race(
      int attempted,
      int committed,
      int failed,
      List<Long> versions,
      long rows,
      long distinctRows,
      Map<String, Long> commitsInTableByWriter,
      Map<String, List<String>> committedSeqsByWriter,
      List<String> rowsInTable,
      String writerLogs) {
    /**
     * The rows the writers' committed appends wrote, {@code writer/seq/part}, sorted: what the
     * table must hold when no commit is lost.
     */
    List<String> committedRows() {
      List<String> out = new ArrayList<>();
      committedSeqsByWriter.forEach(
          (writer, seqs) -> {
            for (String seq : seqs) {
              for (int part = 0; part < ConcurrentAppender.ROWS_PER_COMMIT; part++) {
                out.add(writer + "/" + seq + "/" + part);
              }
            }
          });
      return out.stream().sorted().toList();
    }

    long commitsInTable() {
      return commitsInTableByWriter.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Reported commits the table does not hold: a figure for the log, not a check. */
    long lost() {
      return committed - commitsInTable();
    }

    boolean contiguous() {
      for (int i = 0; i < versions.size(); i++) {
        if (versions.get(i) != i) {
          return false;
        }
      }
      return true;
    }
  }
}
