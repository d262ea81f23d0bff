package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tidemark.SamplePipelines;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SourceSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.ops.StatusReader;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IoT: per device and minute, count, min, max, avg and approximate p95 of the reading; and the
 * sample that reads its table, sensor-hourly (D39).
 */
class SensorReadingsIT extends SamplePipelineContract {
  @Override
  String pipelineName() {
    return "sensor-readings";
  }

  @Override
  String countColumn() {
    return "readings";
  }

  /**
   * Worked out from the readings sent, apart from the pipeline: per device and minute, the exact
   * count, minimum, maximum and mean (to 3 places, within 0.001: the sums may add in another
   * order). The table holds exactly those devices, minutes and figures, and each approximate 95th
   * percentile lies between the minute's minimum and maximum.
   */
  @Test
  void statisticsAreExactForTheReadingsSentAndTheP95LiesBetweenMinAndMax() {
    Dataset<Row> exact =
        sentOnTimeEvents()
            .groupBy(col("device_id"), window(col("event_time"), "1 minute").getField("start"))
            .agg(
                count(lit(1)).as("n"),
                min("reading").as("lo"),
                max("reading").as("hi"),
                avg("reading").as("mean"))
            .toDF("device_id", "window_start", "n", "lo", "hi", "mean");
    List<String> expected = rows(exact.select("device_id", "window_start", "n", "lo", "hi"));
    assertTrue(expected.size() > 1, "the readings sent fall in several devices and minutes");
    assertEquals(
        expected,
        rows(
            streamTable()
                .select("device_id", "window_start", "readings", "min_reading", "max_reading")));
    // coalesce: a NULL statistic is a violation, not a pass.
    assertEquals(
        List.of(),
        rows(
            streamTable()
                .join(exact, new String[] {"device_id", "window_start"})
                .where(
                    "NOT coalesce(abs(avg_reading - mean) <= 0.001 AND min_reading <= p95_reading"
                        + " AND p95_reading <= max_reading, false)")
                .select(
                    "device_id",
                    "window_start",
                    "avg_reading",
                    "mean",
                    "min_reading",
                    "p95_reading",
                    "max_reading")));
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

  /** A sensor reading as the generator sends it, stamped by Kafka a second after its time. */
  private static ProducerRecord<String, byte[]> reading(
      String topic, String device, double value, String time) {
    Instant t = Instant.parse("2026-01-05T" + time + "Z");
    String json =
        String.format(
            Locale.ROOT,
            "{\"device_id\": \"%s\", \"site\": \"s1\", \"reading\": %s, \"battery\": 90,"
                + " \"event_time\": \"%s\"}",
            device,
            value,
            t);
    return new ProducerRecord<>(
        topic, 0, t.toEpochMilli() + 1000, device, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * On the local disk and, with {@code -Dtidemark.s3.extra=true}, on s3a:// (the test S3 server):
   * the Delta table streamed as a source and read by the backfill lives in the same store as the
   * checkpoints.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3a"})
  void sensorHourlyStreamsTheMinutesOfSensorReadingsAndItsBackfillEqualsItsStream(String store)
      throws Exception {
    assumeTrue(
        store.equals("local") || Boolean.getBoolean("tidemark.s3.extra"),
        "the s3a variant runs with -Dtidemark.s3.extra=true (left out of CI for time)");
    Path samples = SamplePipelines.copy(SamplePipelines.CHAIN, "-chain");
    TidemarkConfig loaded =
        store.equals("s3a")
            ? TestLake.freshOnS3("sensor-chain", TestKafka.broker(), samples)
            : TestLake.fresh("sensor-chain", TestKafka.broker(), samples);
    PipelineSpec minutes = TestLake.ownTopic(loaded.pipeline("sensor-readings").orElseThrow(), 100);
    PipelineSpec shipped = loaded.pipeline("sensor-hourly").orElseThrow();
    // The shipped expectation, and one that the 11:00 minute of d1 (max 10.0) fails.
    PipelineSpec hourly =
        shipped.withExpectations(
            Map.of("counted-minute", "readings > 0", "calibrated", "max_reading < 9"));
    TidemarkConfig chain = loaded.withPipelines(List.of(minutes, hourly));
    String topic = minutes.source().topics().get(0);
    TestKafka.send(
        List.of(
            reading(topic, "d1", 1.0, "10:00:10"),
            reading(topic, "d1", 3.0, "10:00:20"),
            reading(topic, "d1", 5.0, "10:01:30"),
            reading(topic, "d2", 4.0, "10:30:00"),
            reading(topic, "d2", 6.0, "10:30:40"),
            reading(topic, "d1", 2.0, "10:59:00"),
            reading(topic, "d1", 10.0, "11:00:30"),
            // Moves sensor-readings' watermark to 11:07: every minute above is final (appended),
            // this one stays open.
            reading(topic, "d3", 0.5, "11:10:00")));

    StreamRunner runner = new StreamRunner(spark, chain);
    runner.start(minutes, TriggerSpec.availableNowTrigger()).awaitTermination();
    runner.start(hourly, TriggerSpec.availableNowTrigger()).awaitTermination();

    String columns =
        "device_id, string(window_start), minutes, readings, min_reading, max_reading,"
            + " avg_reading";
    List<String> streamed = rows(table(chain.tablePath(hourly)).selectExpr(columns.split(", ")));
    // d1 10:00: minutes 10:00 (2 readings, mean 2), 10:01 (1, 5) and 10:59 (1, 2): 11 / 4.
    assertEquals(
        List.of(
            "d1 | 2026-01-05 10:00:00 | 3 | 4 | 1.0 | 5.0 | 2.75",
            "d2 | 2026-01-05 10:00:00 | 1 | 2 | 4.0 | 6.0 | 5.0"),
        streamed);
    assertEquals(
        List.of("expectation calibrated failed: max_reading < 9 | true | null"),
        rows(
            table(chain.quarantinePath(hourly))
                .selectExpr(
                    "reason",
                    "string(value) LIKE '%\"window_start\":\"2026-01-05T11:00:00.000Z\"%'",
                    "topic")));

    // The backfill reads sensor-readings' table for its range: the stream's rows, row for row.
    PipelineSpec backfill = TestLake.variant(hourly, "hourly-backfill", OutputMode.UPDATE);
    new BackfillRunner(spark, chain, ReplaySource.defaultFor(spark, chain, backfill))
        .run(
            backfill,
            new WindowRange(
                Instant.parse("2026-01-05T10:00:00Z"),
                Instant.parse("2026-01-05T12:00:00Z"),
                hourly.window()));
    assertEquals(streamed, rows(table(chain.tablePath(backfill)).selectExpr(columns.split(", "))));

    // validate checks the columns read against sensor-readings' result.
    PipelineValidator validator = new PipelineValidator(spark, null, chain.pipelines());
    assertEquals(List.of(), validator.check(hourly));
    SourceSpec s = hourly.source();
    SourceSpec intReadings =
        s.toBuilder().schemaDdl(s.schemaDdl().replace("readings BIGINT", "readings INT")).build();
    List<ConfigProblem> problems = validator.check(hourly.withSource(intReadings));
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("[upstream-columns] source.schema", problems.get(0).key());
    assertTrue(
        problems
            .get(0)
            .message()
            .startsWith(
                "column 'readings' is declared INT but is BIGINT in pipeline sensor-readings"),
        problems.get(0).message());

    // status says where the events come from.
    assertEquals(
        "rows of pipeline sensor-readings (its Delta table, streamed: appends only)",
        new StatusReader(chain).read(hourly).source());
  }
}
