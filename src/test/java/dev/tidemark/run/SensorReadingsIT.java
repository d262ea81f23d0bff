package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.GeneratedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** IoT: per device and minute, count, min, max, avg and approximate p95 of the reading. */
class SensorReadingsIT extends SamplePipelineContract {
  @Override
  String pipelineName() {
    return "sensor-readings";
  }

  @Override
  String countColumn() {
    return "readings";
  }

  @Test
  void statisticsAreOrdered() {
    assertTrue(streamTable().count() > 0, "the stream wrote windows");
    // coalesce: a NULL statistic is a violation, not a pass.
    assertEquals(
        List.of(),
        rows(
            streamTable()
                .where(
                    "NOT coalesce(min_reading <= avg_reading AND avg_reading <= max_reading"
                        + " AND min_reading <= p95_reading AND p95_reading <= max_reading, false)")));
  }

  @Test
  void maxDelayIsTheLongestKafkaArrivalDelayOfEachDeviceAndMinute() {
    // From the events sent: their Kafka timestamp minus their event time, per device and minute.
    Map<String, Long> longest = new TreeMap<>();
    for (GeneratedEvent e : sent) {
      if (e.kind() == GeneratedEvent.Kind.ON_TIME) {
        long minute = e.eventTime().toEpochMilli() / 60_000 * 60_000;
        longest.merge(
            e.key() + " | " + minute, e.timestamp() - e.eventTime().toEpochMilli(), Math::max);
      }
    }
    List<String> expected =
        longest.entrySet().stream().map(d -> d.getKey() + " | " + d.getValue()).sorted().toList();

    assertTrue(longest.values().stream().anyMatch(d -> d > 0), "the generator delays arrivals");
    assertEquals(
        expected,
        rows(streamTable().selectExpr("device_id", "unix_millis(window_start)", "max_delay_ms")));
  }

  @Test
  void appendModeWritesOnlyFinalWindowsTheWatermarkHasClosed() throws Exception {
    PipelineSpec append = TestLake.variant(pipeline, "append", OutputMode.APPEND);
    RunningPipeline run =
        new StreamRunner(spark, config).start(append, TriggerSpec.availableNowTrigger());
    run.awaitTermination();
    Instant watermark = Instant.parse(run.gold().lastProgress().eventTime().get("watermark"));

    List<String> appended = rows(table(config.tablePath(append)));
    List<String> updated = rows(streamTable());
    assertFalse(appended.isEmpty());
    assertTrue(
        updated.containsAll(appended), "append rows are final: equal to the update-mode rows");
    assertTrue(appended.size() < updated.size(), "the newest windows are still open");
    assertTrue(
        table(config.tablePath(append))
            .where("window_end > timestamp_millis(" + watermark.toEpochMilli() + ")")
            .isEmpty(),
        "no window ends after the watermark " + watermark);
  }
}
