package dev.tidemark.ops;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.StreamRunner;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Maintenance next to a running stream, and the VACUUM guard. */
class MaintainIT {
  static final Instant START = Instant.parse("2026-05-01T00:00:00Z");
  static final Duration SPAN = Duration.ofHours(60);

  @Test
  void compactingClosedPartitionsNextToARunningStreamNeitherConflictsNorChangesResults()
      throws Exception {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("maintain");
    // Append mode: every micro-batch adds small files to the partitions it writes.
    PipelineSpec pipeline =
        TestLake.ownTopic(config.pipeline("sensor-readings").orElseThrow(), 1000);
    PipelineSpec spec = TestLake.variant(pipeline, "maintained", OutputMode.APPEND);
    String topic = spec.source().topics().get(0);
    List<GeneratedEvent> events =
        SampleEvents.generate(
            spec.generator(), GeneratorSettings.of(START, SPAN, 6000, 9).onTimeOnly());
    int firstPart = events.size() * 7 / 10;
    EventProducer.send(config.bootstrapServers(), topic, events.subList(0, firstPart));

    RunningPipeline stream =
        new StreamRunner(spark, config).start(spec, TriggerSpec.every(Duration.ofSeconds(1)));
    Instant dayTwoClosed = START.plus(Duration.ofDays(1)).plus(spec.window().size());
    Instant watermark = awaitWatermarkPast(stream, dayTwoClosed);
    LocalDate open = CompactClosedPartitions.firstOpenDate(spec, watermark);
    String closed = "window_date < DATE'" + open + "'";
    Dataset<Row> closedRows = table(config.tablePath(spec)).where(closed);
    List<String> before = rows(closedRows);
    int filesBefore = closedRows.inputFiles().length;

    // The stream keeps merging new events while compaction runs.
    EventProducer.send(config.bootstrapServers(), topic, events.subList(firstPart, events.size()));
    CompactClosedPartitions.Outcome outcome =
        new CompactClosedPartitions(spark, config).run(spec, watermark, List.of("device_id"));
    for (var query : stream.queries()) {
      query.processAllAvailable();
    }

    assertNull(outcome.skipped());
    assertTrue(stream.gold().isActive(), "the stream survived compaction");
    assertTrue(stream.gold().exception().isEmpty(), "no stream failure");
    stream.stop();
    Dataset<Row> closedAfter = table(config.tablePath(spec)).where(closed);
    assertFalse(before.isEmpty());
    assertTrue(outcome.filesRemoved() > outcome.filesAdded(), outcome.toString());
    assertTrue(
        closedAfter.inputFiles().length < filesBefore,
        closedAfter.inputFiles().length + " files after, " + filesBefore + " before");
    assertEquals(before, rows(closedAfter), "compaction changes no row");

    assertTrue(
        table(config.tablePath(spec)).count() > before.size(),
        "the stream kept writing newer windows meanwhile");
  }

  @Test
  void vacuumGuardRefusesAnUnsafeRetentionAndSaysWhatIsSafe() {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("vacuum");
    String path = config.lake() + "/gold/tiny";
    spark.range(10).write().format("delta").save(path);
    VacuumGuard guard = new VacuumGuard(spark, Duration.ofHours(24));

    VacuumGuard.UnsafeRetentionException e =
        assertThrows(
            VacuumGuard.UnsafeRetentionException.class,
            () -> guard.vacuum("tiny", path, Duration.ofHours(1)));

    assertTrue(
        e.getMessage().contains("refusing to VACUUM tiny with a retention of 1 hours"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--retain '168 hours'"), e.getMessage());
    assertEquals(Duration.ofHours(168), guard.safeRetention(path));
    assertEquals(
        Duration.ofDays(30), new VacuumGuard(spark, Duration.ofDays(30)).safeRetention(path));
    guard.vacuum("tiny", path, Duration.ofHours(168)); // safe: runs
    assertEquals(10, table(path).count());
  }

  private static Instant awaitWatermarkPast(RunningPipeline stream, Instant target)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      var progress = stream.gold().lastProgress();
      if (progress != null && progress.eventTime().get("watermark") != null) {
        Instant wm = Instant.parse(progress.eventTime().get("watermark"));
        if (wm.isAfter(target)) {
          return wm;
        }
      }
      assertTrue(stream.gold().isActive(), "stream ended: " + stream.gold().exception());
      Thread.sleep(500);
    }
    throw new AssertionError("watermark did not pass " + target);
  }
}
