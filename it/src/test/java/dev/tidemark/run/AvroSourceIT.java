package dev.tidemark.run;

import static dev.tidemark.AvroRecords.READING_V1;
import static dev.tidemark.AvroRecords.READING_V2;
import static dev.tidemark.AvroRecords.confluent;
import static dev.tidemark.AvroRecords.parse;
import static dev.tidemark.AvroRecords.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.InProcessCli;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.ops.PipelineStatus;
import dev.tidemark.ops.StatusReader;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * An Avro pipeline in Confluent's wire format (writer schemas 1 and 2 in {@code readings-schemas/},
 * the reader schema {@code readings.avsc} beside the pipeline file), on the real broker: {@code
 * stream --available-now} and backfills from Kafka and from bronze write the same rows; the records
 * that do not decode (unknown id, no header, not Avro), a NaN and a failed expectation are in
 * quarantine with their reasons, and {@code status} shows the format and the count; on a local lake
 * through the CLI, and on an s3a lake (S3Proxy).
 */
class AvroSourceIT {
  private static final Instant T = Instant.parse("2026-05-04T12:00:00Z");
  private static final Schema V1 = parse(READING_V1);
  private static final Schema V2 = parse(READING_V2);

  static final String PIPELINE =
      """
      name = readings
      source {
        topics = [TOPIC]
        format = avro
        avro.wire-format = confluent
        event-time = event_time
        watermark = 1 minute
      }
      query.window { type = tumbling, size = 1 minute }
      sink {
        partition-by = [window_date]
        keys = [device_id, window_start]
        output-mode = update
        trigger = available-now
      }
      expectations { plausible-reading = "reading BETWEEN -50 AND 150" }
      """;

  static final String SQL =
      """
      SELECT device_id, window.start AS window_start, to_date(window.start) AS window_date,
             count(*) AS readings, count(battery) AS with_battery,
             min(reading) AS min_reading, max(reading) AS max_reading
      FROM events GROUP BY device_id, window(event_time, '1 minute')
      """;

  /** The configuration files: conf/local.conf, and the pipeline, its SQL and its schemas. */
  private static Path writeFiles(Path dir, String topic) throws IOException {
    Path pipelines = Files.createDirectories(dir.resolve("pipelines/readings-schemas"));
    Files.writeString(dir.resolve("pipelines/readings.conf"), PIPELINE.replace("TOPIC", topic));
    Files.writeString(dir.resolve("pipelines/readings.sql"), SQL);
    Files.writeString(dir.resolve("pipelines/readings.avsc"), READING_V2);
    Files.writeString(pipelines.resolve("1.avsc"), READING_V1);
    Files.writeString(pipelines.resolve("2.avsc"), READING_V2);
    Path main = dir.resolve("tidemark.conf");
    Files.writeString(
        main,
        "include file(\""
            + TestSpark.projectDir().resolve("conf/local.conf")
            + "\")\ntidemark.pipelines-dir = pipelines\ntidemark.kafka.commit-offsets = false\n");
    return main;
  }

  private static ProducerRecord<String, byte[]> record(String topic, String time, byte[] value) {
    return new ProducerRecord<>(topic, 0, at(time).toEpochMilli(), null, value);
  }

  private static byte[] v2(String device, double value, int battery, String time) {
    return confluent(2, reading(V2, device, "s1", value, battery, at(time)));
  }

  /** The configuration of a new topic with the records below on it, and the CLI arguments. */
  private record AvroLake(TidemarkConfig config, PipelineSpec pipeline, List<String> cli) {}

  /**
   * A new topic with, on one partition: d1 at 12:00:10 in schema 1 (before the battery field), d1
   * at 12:00:30 and d2 at 12:00:20 in schema 2, d1 at 12:01:05; then an unknown schema id, a JSON
   * value, a schema-2 header before bytes that are not Avro, a NaN, a failed expectation. The lake
   * is {@code lake}, or a local folder when null.
   */
  private static AvroLake givenRecords(String lake) throws IOException {
    String topic = "avro-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    Path dir = TestSpark.projectDir().resolve("target/test-lakes/" + topic);
    Path conf = writeFiles(dir, topic);
    String root = lake == null ? dir.resolve("lake").toString() : lake;
    Map<String, String> overrides =
        Map.of(
            "tidemark.lake",
            root,
            "tidemark.checkpoints",
            root + "/_checkpoints",
            "tidemark.kafka.bootstrap-servers",
            TestKafka.broker().bootstrapServers());
    List<String> cli = new ArrayList<>(List.of("--conf", conf.toString()));
    overrides.forEach((key, value) -> cli.addAll(List.of("--set", key + "=" + value)));
    TidemarkConfig config = ConfigLoader.load(conf, overrides);
    PipelineSpec pipeline = config.pipeline("readings").orElseThrow();
    assertTrue(
        SlicedAggregation.analyze(TestSpark.session(), pipeline).sliced(),
        "runs on the sliced path");
    TestKafka.send(
        List.of(
            record(
                topic,
                "12:00:10",
                confluent(1, reading(V1, "d1", "s1", 20.0, null, at("12:00:10")))),
            record(topic, "12:00:30", v2("d1", 22.0, 80, "12:00:30")),
            record(topic, "12:00:20", v2("d2", 5.5, 60, "12:00:20")),
            record(topic, "12:01:05", v2("d1", 23.0, 79, "12:01:05")),
            record(
                topic, "12:01:10", confluent(7, reading(V2, "d3", "s1", 1.0, 1, at("12:01:10")))),
            record(topic, "12:01:15", "{\"device_id\":\"d4\"}".getBytes(StandardCharsets.UTF_8)),
            record(topic, "12:01:20", confluent(2, new byte[] {(byte) 0xff, 1, 2})),
            record(topic, "12:01:25", v2("d2", Double.NaN, 60, "12:01:25")),
            record(topic, "12:01:30", v2("d2", 999.0, 60, "12:01:30"))));
    return new AvroLake(config, pipeline, cli);
  }

  static final List<String> EXPECTED =
      List.of(
          "d1 | 2026-05-04 12:00:00.0 | 2 | 1 | 20.0 | 22.0",
          "d1 | 2026-05-04 12:01:00.0 | 1 | 1 | 23.0 | 23.0",
          "d2 | 2026-05-04 12:00:00.0 | 1 | 1 | 5.5 | 5.5");

  /**
   * After the stream ran: its rows, the five bad records in quarantine with their reasons, the same
   * rows from a backfill from Kafka and one from bronze, and status's count and format.
   */
  private static void thenStreamAndBackfillsAgreeAndQuarantineHasTheReasons(AvroLake lake)
      throws Exception {
    TidemarkConfig config = lake.config();
    PipelineSpec pipeline = lake.pipeline();
    assertEquals(EXPECTED, gold(config, pipeline), "stream");
    assertEquals(
        List.of(
            "4 | unknown schema id 7 (no 7.avsc in readings-schemas/)",
            "5 | no Confluent header: the value does not start with the magic byte 0 and a 4-byte"
                + " schema id",
            "6 | value is not Avro of schema id 2 (2.avsc)",
            "7 | field 'reading' is not a finite number: NaN",
            "8 | expectation plausible-reading failed: reading BETWEEN -50 AND 150"),
        TestSpark.rows(
            TestSpark.table(config.quarantinePath(pipeline)).selectExpr("offset", "reason")));

    WindowRange range = new WindowRange(T, T.plus(Duration.ofMinutes(5)), pipeline.window());
    for (ReplaySource source : ReplaySource.ofTopics()) {
      PipelineSpec backfill =
          TestLake.variant(pipeline, "avro-backfill-" + source.label(), OutputMode.UPDATE);
      new BackfillRunner(TestSpark.session(), config, source).run(backfill, range);
      assertEquals(EXPECTED, gold(config, backfill), "backfill from " + source.label());
    }

    PipelineStatus status = new StatusReader(config).read(pipeline);
    assertEquals(5, status.quarantined());
    assertEquals(
        "avro, Confluent wire format (schema ids [1, 2] from readings-schemas/, read as"
            + " readings.avsc)",
        status.source());
  }

  @Test
  void onTheLocalLakeStreamAvailableNowAndBackfillsAgreeAndStatusShowsTheFormat() throws Exception {
    AvroLake lake = givenRecords(null);

    InProcessCli.Result stream = run(lake.cli(), "stream", "-p", "readings", "--available-now");
    assertEquals(0, stream.exitCode(), stream.err());

    thenStreamAndBackfillsAgreeAndQuarantineHasTheReasons(lake);
    InProcessCli.Result status = run(lake.cli(), "status", "-p", "readings");
    assertEquals(0, status.exitCode(), status.err());
    assertTrue(status.out().contains("quarantined  5   late dropped 0"), status.out());
    assertTrue(
        status
            .out()
            .contains(
                "source       avro, Confluent wire format (schema ids [1, 2] from"
                    + " readings-schemas/, read as readings.avsc)"),
        status.out());
  }

  /** The same on s3a (S3Proxy), with the stream and its bronze ingest started as S3LakeIT does. */
  @Test
  void onAnS3aLakeStreamAndBackfillsAgree() throws Exception {
    SparkSession spark = TestSpark.session();
    TestS3.configure(spark.sparkContext().hadoopConfiguration());
    AvroLake lake = givenRecords(TestS3.freshPrefix("avro"));
    assertTrue(lake.config().lake().startsWith("s3a://"), lake.config().lake());
    // The bronze ingest's lock reads the lake with a file system built from the configuration,
    // which has no keys (production takes them from the AWS chain); Hadoop caches one per bucket,
    // so the one made here with the test server's keys (in memory) is the one it gets.
    FileSystem.get(URI.create(lake.config().lake()), spark.sparkContext().hadoopConfiguration());

    RunningBronze bronze =
        new BronzeIngest(spark, lake.config())
            .start(lake.pipeline().source().topics(), TriggerSpec.availableNowTrigger());
    new StreamRunner(spark, lake.config())
        .start(lake.pipeline(), TriggerSpec.availableNowTrigger())
        .awaitTermination();
    bronze.awaitTermination();

    thenStreamAndBackfillsAgreeAndQuarantineHasTheReasons(lake);
  }

  private static Instant at(String time) {
    return Instant.parse("2026-05-04T" + time + "Z");
  }

  private static InProcessCli.Result run(List<String> cli, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(cli);
    return InProcessCli.run(args.toArray(String[]::new));
  }

  private static List<String> gold(TidemarkConfig config, PipelineSpec spec) {
    return TestSpark.rows(
        TestSpark.table(config.tablePath(spec))
            .selectExpr(
                "device_id",
                "window_start",
                "readings",
                "with_battery",
                "min_reading",
                "max_reading"));
  }
}
