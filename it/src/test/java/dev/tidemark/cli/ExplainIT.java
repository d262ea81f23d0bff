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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark explain}: the facts of a shipped pipeline and of a pipeline on Spark's stateful
 * aggregation, printed without Kafka (the fixture's broker address answers nothing) and with
 * nothing written to the lake.
 */
class ExplainIT {
  private static final Pattern WATERMARK =
      Pattern.compile("\n  EventTimeWatermark [-0-9a-f]+, event_time#\\d+: timestamp, 5 minutes\n");

  @TempDir Path dir;

  @Test
  void explainsTheSlicedCardVelocityStreamAndWritesNothing() {
    Path lake = dir.resolve("lake");
    Result r =
        InProcessCli.run(
            "explain",
            "-p",
            "card-velocity",
            "--conf",
            TestSpark.projectDir().resolve("conf/local.conf").toString(),
            "--set",
            "tidemark.pipelines-dir=" + SamplePipelines.dir(),
            "--set",
            "tidemark.lake=" + lake,
            "--set",
            "tidemark.kafka.bootstrap-servers=127.0.0.1:9");

    assertEquals(0, r.exitCode(), r.err());
    String out = r.out();
    String[] facts = {
      "source: topics [card-transactions], format json",
      "watermark: event_time minus 5 minutes",
      "window: sliding 10 minutes every 1 minute, start column window_start",
      "output mode: update; keys [card_id, window_start]; partitioned by [window_date]; trigger 30"
          + " seconds",
      "path: sliced: one stateless query per pipeline, slices kept in a Delta table",
      " |-- card_id: string (nullable = true)",
      " |-- amount: decimal(12,2) (nullable = true)",
      " |-- event_time: timestamp (nullable = true)",
      "slice width: 1 minute; a window is rolled up from 10 slices",
      "== Slice query: physical plan ==",
      "== Roll-up: physical plan ==",
      "gold table card_velocity: file:" + lake + "/gold/card_velocity",
      "quarantine table: file:" + lake + "/quarantine/card-velocity",
      "checkpoint: file:" + lake + "/_checkpoints/card-velocity/gold",
      "slice table (the stream's state): file:" + lake + "/_checkpoints/card-velocity/slices",
      "bronze table of topic card-transactions: file:" + lake + "/bronze/card-transactions",
      "stream lock: file:" + lake + "/_tidemark/locks/stream/card-velocity",
    };
    for (String fact : facts) {
      assertTrue(out.contains(fact), () -> "missing '" + fact + "' in:\n" + out);
    }
    // The stream's watermark on the event time, from Spark's own plan.
    assertTrue(WATERMARK.matcher(between(out, "watermark operators:", "== Stream")).find(), out);
    // The slice query aggregates per card and one-minute slice; the plans are real, not folded.
    String slicePlan = between(out, "== Slice query: physical plan ==", "== Roll-up");
    assertTrue(slicePlan.contains("HashAggregate"), slicePlan);
    assertTrue(slicePlan.contains("card_id"), slicePlan);
    assertFalse(out.contains("StateStoreSave"), out);
    assertFalse(Files.exists(lake), "explain wrote into the lake");
  }

  @Test
  void explainsAStatefulPipelinesStateOperatorsAndWritesNothing() {
    // stddev has no sliced form: the pipeline runs on Spark's stateful aggregation.
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .sql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, stddev(amount) AS spread FROM events GROUP BY card_id,"
                    + " window(event_time, '5 minutes')");
    Result r = InProcessCli.run("explain", "-p", "payments", "--conf", fixture.write().toString());

    assertEquals(0, r.exitCode(), r.err());
    String out = r.out();
    assertTrue(out.contains("path: stateful: Spark's stateful aggregation"), out);
    assertTrue(out.contains("the aggregate stddev cannot be merged from slices"), out);
    String state = between(out, "state operators:", "watermark operators:");
    assertTrue(state.contains("StateStoreSave"), out);
    assertTrue(state.contains("StateStoreRestore"), state);
    assertTrue(state.contains("it runs in update mode"), state);
    assertTrue(WATERMARK.matcher(between(out, "watermark operators:", "== Stream")).find(), out);
    assertTrue(out.contains("quarantine checkpoint: file:" + dir.resolve("lake")), out);
    assertFalse(Files.exists(dir.resolve("lake")), "explain wrote into the lake");
  }

  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    assertTrue(start >= 0, () -> "no '" + from + "' in:\n" + text);
    int end = text.indexOf(to, start + from.length());
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
