package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.InProcessCli;
import dev.tidemark.InProcessCli.Result;
import dev.tidemark.PipelineFixture;
import dev.tidemark.SamplePipelines;
import dev.tidemark.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user meets it: exit codes, and errors that name the file and the problem
 * before any query starts or any data moves.
 */
class CliIT {
  @TempDir Path dir;

  static Result run(String... args) {
    return InProcessCli.run(args);
  }

  private void assertNothingStartedOrWritten() {
    assertEquals(0, TestSpark.session().streams().active().length, "no streaming query started");
    assertFalse(Files.exists(dir.resolve("lake")), "nothing written to the lake");
  }

  @Test
  void validateAcceptsTheSamplePipelines() {
    // The samples only: pipelines a user adds to conf/pipelines do not count here.
    Result r =
        run(
            "validate",
            "--conf",
            TestSpark.projectDir().resolve("conf/local.conf").toString(),
            "--set",
            "tidemark.pipelines-dir=" + SamplePipelines.dir());

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out().contains("card-velocity")
            && r.out().contains("page-analytics")
            && r.out().contains("sensor-readings"),
        r.out());
    assertEquals(3, r.out().lines().filter(l -> l.contains(" ok ")).count(), r.out());
  }

  @Test
  void aPipelineWrittenByInitPassesValidateAsWritten() throws Exception {
    Path conf = new PipelineFixture(dir).write();
    Path sample =
        Files.writeString(
            dir.resolve("order.json"),
            "{\"order_id\": \"o-1\", \"customer\": \"c-7\", \"amount\": 12.5,"
                + " \"ordered_at\": \"2026-11-25T10:00:00Z\"}");

    Result init =
        run(
            "init",
            "orders",
            "--conf",
            conf.toString(),
            "--sample",
            sample.toString(),
            "--key",
            "customer",
            "--window",
            "10 minutes",
            "--slide",
            "1 minute",
            "--mode",
            "append");
    Result validate = run("validate", "--conf", conf.toString(), "-p", "orders");
    Result again =
        run("init", "orders", "--conf", conf.toString(), "--schema", "a STRING, t TIMESTAMP");

    assertEquals(0, init.exitCode(), init.err());
    assertEquals(0, validate.exitCode(), validate.err());
    assertEquals("orders             ok  (pipelines/orders.conf, append mode)\n", validate.out());
    assertEquals(2, again.exitCode());
    assertTrue(again.err().contains("already exists; init never overwrites"), again.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void aWindowThatDiffersFromTheSqlsFailsValidateNamingBoth() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("size = 5 minutes", "size = 10 minutes");

    Result r = run("validate", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .contains(
                fixture.pipelineFile()
                    + ": [window-matches-sql] query.window: query.window (tumbling, size 10"
                    + " minutes) does not match payments.sql (line 4): window(event_time, '5"
                    + " minutes') (tumbling, size 5 minutes); declare the same window in both"),
        r.err());
  }

  @Test
  void anUnknownKeyStopsStreamBeforeAnyQueryStarts() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("output-mode = update", "output_mode = update");

    Result r = run("stream", "--conf", fixture.write().toString(), "--available-now");

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("did you mean `sink.output-mode`?"), r.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void sqlNamingAMissingColumnExitsTwoWithTheFileAndSparksAnalysisMessage() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .sql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,"
                    + " sum(amont) AS total FROM events GROUP BY card_id, window(event_time, '5 minutes')");

    Result r = run("validate", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(fixture.pipelineFile().toString()), r.err());
    assertTrue(r.err().contains("payments.sql") && r.err().contains("[sql-analyzes]"), r.err());
    assertTrue(r.err().contains("UNRESOLVED_COLUMN") && r.err().contains("amont"), r.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void missingRequiredFieldExitsTwoNamingFileAndKey() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("event-time = event_time", "");

    Result r = run("validate", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err().contains(fixture.pipelineFile() + ": source.event-time: is required"), r.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void unparsableSchemaExitsTwo() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("card_id STRING", "card_id STRNG,,");

    Result r = run("validate", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err().contains(fixture.pipelineFile() + ": source.schema: cannot parse the schema"),
        r.err());
  }

  @Test
  void sqlSparkCannotStreamExitsTwoBeforeAnyQueryStarts() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .sql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,"
                    + " count(DISTINCT amount) AS total FROM events GROUP BY card_id, window(event_time, '5 minutes')");

    Result r = run("stream", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("[streaming-supported]"), r.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void sinkKeysTheSqlDoesNotSelectAreReported() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("keys = [card_id, window_start]", "keys = [card, window_start]");

    Result r = run("validate", "--conf", fixture.write().toString());

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("[keys-in-result]") && r.err().contains("'card'"), r.err());
  }

  @Test
  void backfillOffTheWindowGridExitsTwoAndSuggestsABoundary() {
    Result r =
        run(
            "backfill",
            "--conf",
            new PipelineFixture(dir).write().toString(),
            "--pipeline",
            "payments",
            "--from",
            "2026-11-25T10:02:00Z",
            "--to",
            "2026-11-25T11:00:00Z");

    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err().contains("not on a window boundary") && r.err().contains("2026-11-25T10:00:00Z"),
        r.err());
    assertNothingStartedOrWritten();
  }

  @Test
  void unknownPipelineAndMissingOptionsAreUsageErrors() {
    Path conf = new PipelineFixture(dir).write();
    Result unknown = run("validate", "--conf", conf.toString(), "--pipeline", "nope");
    assertEquals(2, unknown.exitCode());
    assertTrue(
        unknown.err().contains("no pipeline named 'nope'") && unknown.err().contains("payments"),
        unknown.err());

    Result missing = run("backfill", "--conf", conf.toString(), "--pipeline", "payments");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("--from"), missing.err());
  }

  @Test
  void everyCommandExplainsItselfWithExamples() {
    for (String command :
        new String[] {"stream", "backfill", "validate", "init", "demo", "generate"}) {
      Result r = run(command, "--help");
      assertEquals(0, r.exitCode());
      assertTrue(r.out().contains("Example"), command + " --help has examples:\n" + r.out());
      assertTrue(r.out().contains("--conf"), r.out());
    }
  }
}
