package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.cli.TidemarkCli;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.pipeline.WindowRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Backfills as a scheduler runs them: separate driver processes that can be killed and rerun, or
 * started twice at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackfillProcessIT {
  static final String PIPELINE = "sensor-readings";
  static final Instant START = Instant.parse("2026-03-03T06:00:00Z");
  static final Duration SPAN = Duration.ofHours(1);

  PipelineSpec spec;
  Path logs;

  @BeforeAll
  void givenAnHourOfSensorReadingsInKafka() throws Exception {
    TidemarkConfig config = TestLake.fresh("backfill-process");
    spec = config.pipeline(PIPELINE).orElseThrow();
    String topic = spec.source().topics().get(0);
    TestKafka.broker().createTopics(List.of(topic), 2);
    EventProducer.send(
        config.bootstrapServers(),
        topic,
        SampleEvents.generate(
            spec.generator(), GeneratorSettings.of(START, SPAN, 3000, 5).onTimeOnly()));
    logs = TestSpark.projectDir().resolve("target/backfill-process-it");
    Files.createDirectories(logs);
  }

  private String[] backfill(TidemarkConfig lake, String chunk) {
    return new String[] {
      "backfill",
      "--pipeline",
      PIPELINE,
      "--from",
      START.toString(),
      "--to",
      START.plus(SPAN).toString(),
      "--chunk",
      chunk,
      "--set",
      "tidemark.lake=" + lake.lake(),
      "--set",
      "tidemark.kafka.bootstrap-servers=" + lake.bootstrapServers()
    };
  }

  @Test
  void aBackfillKilledDuringChunkTwoResumesWithChunkTwoAndEqualsACleanRun() throws Exception {
    TidemarkConfig killed = TestLake.fresh("backfill-killed");
    Path journalDir =
        Path.of(java.net.URI.create(killed.lake() + "/_tidemark/backfills/" + PIPELINE));

    Process first =
        TidemarkProcess.start(logs.resolve("killed.log"), backfill(killed, "20 minutes"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (chunksDone(journalDir) < 1) {
      assertTrue(
          first.isAlive(),
          "backfill ended early:\n" + TidemarkProcess.output(logs.resolve("killed.log")));
      assertTrue(System.nanoTime() < deadline, "one chunk in time");
      Thread.sleep(100);
    }
    Thread.sleep(1000); // into chunk 2
    first.destroyForcibly().waitFor();
    assertEquals(1, chunksDone(journalDir), "killed during chunk 2");

    Process rerun =
        TidemarkProcess.start(logs.resolve("rerun.log"), backfill(killed, "20 minutes"));
    assertTrue(rerun.waitFor(4, TimeUnit.MINUTES));
    String out = TidemarkProcess.output(logs.resolve("rerun.log"));
    assertEquals(0, rerun.exitValue(), out);
    assertEquals(
        1, out.lines().filter(l -> l.contains("skipped, done by an earlier run")).count(), out);
    assertEquals(
        2,
        out.lines().filter(l -> l.matches(".*chunk [23]/3 .*rows, table version.*")).count(),
        out);
    // Each chunk's line says how many are left and, once this run wrote one, how long they take.
    List<String> chunkLines =
        out.lines().filter(l -> l.startsWith("backfill " + PIPELINE + " chunk ")).toList();
    List<String> expectedLines =
        List.of(
            "chunk 1/3 \\[.*\\): skipped, done by an earlier run; 2 more",
            "chunk 2/3 \\[.*\\): \\d+ rows, table version \\d+, [\\d.]+ s; 1 more, about \\d.* left",
            "chunk 3/3 \\[.*\\): \\d+ rows, table version \\d+, [\\d.]+ s");
    assertEquals(expectedLines.size(), chunkLines.size(), out);
    for (int i = 0; i < expectedLines.size(); i++) {
      assertTrue(
          chunkLines.get(i).matches("backfill " + PIPELINE + " " + expectedLines.get(i)),
          chunkLines.get(i) + " ~ " + expectedLines.get(i));
    }
    assertEquals(0, chunksDone(journalDir), "a finished backfill forgets its journal");

    TidemarkConfig clean = TestLake.fresh("backfill-clean");
    new BackfillRunner(TestSpark.session(), clean)
        .run(spec, new WindowRange(START, START.plus(SPAN), spec.window()));
    List<String> expected = rows(table(clean.tablePath(spec)));
    assertFalse(expected.isEmpty());
    assertEquals(expected, rows(table(killed.tablePath(spec))));
  }

  @Test
  void twoBackfillsOfTheSamePipelineStartedTogetherOneRunsTheOtherSaysAlreadyRunning()
      throws Exception {
    TidemarkConfig lake = TestLake.fresh("backfill-twice");
    Process a = TidemarkProcess.start(logs.resolve("a.log"), backfill(lake, "1 hour"));
    Process b = TidemarkProcess.start(logs.resolve("b.log"), backfill(lake, "1 hour"));
    assertTrue(a.waitFor(5, TimeUnit.MINUTES) && b.waitFor(5, TimeUnit.MINUTES));
    String outA = TidemarkProcess.output(logs.resolve("a.log"));
    String outB = TidemarkProcess.output(logs.resolve("b.log"));

    List<Integer> codes = Stream.of(a.exitValue(), b.exitValue()).sorted().toList();
    assertEquals(List.of(0, TidemarkCli.ALREADY_RUNNING), codes, outA + "\n---\n" + outB);
    String loser = a.exitValue() == 0 ? outB : outA;
    assertTrue(
        loser.contains("another backfill is already running") && loser.contains(", pid "), loser);
  }

  private static long chunksDone(Path journalDir) throws Exception {
    if (!Files.isDirectory(journalDir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(journalDir)) {
      long lines = 0;
      for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
        lines += Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
      }
      return lines;
    }
  }
}
