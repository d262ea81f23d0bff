package dev.tidemark.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.SamplePipelines;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.KafkaMetadata;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden tests of the shipped pipelines, in the style of flink-training's {@code HourlyTipsTest}:
 * for each, a handful of hand-written Kafka records (good, late, malformed, drifted) in {@code
 * core/src/test/resources/golden/PIPELINE/input.txt}, run through the transformation the backfill
 * writes ({@link EventDecoder}, then {@link BackfillRunner#windowRows}: the stream's sliced path
 * where the SQL has one), and compared with the exact rows written by hand beside them: the good
 * events ({@code expected-events.txt}), the rejected records with their reasons ({@code
 * expected-quarantine.txt}) and the gold rows of the golden range ({@code expected-gold.txt}).
 * Comments in the expected files (and the README there) say how each expected row follows from the
 * inputs; every expected row was written by hand from the inputs, none computed by a program.
 *
 * <p>Input lines are {@code KAFKA_TIMESTAMP | VALUE}, the value's bytes as text (nothing after the
 * bar: an empty value); the records are partition 0, offsets 0, 1, ... in file order. Lines
 * starting with {@code #} and blank lines are comments, in every file.
 */
class GoldenPipelineTest {
  /** Kafka records with headers: the columns of the Kafka metadata, and the value. */
  static final StructType KAFKA = KafkaMetadata.TYPE.add("value", DataTypes.BinaryType);

  @ParameterizedTest(name = "{0}: window starts [{1}, {2})")
  @CsvSource({
    "card-velocity,   2026-03-01T12:10:00Z, 2026-03-01T12:12:00Z",
    "page-analytics,  2026-03-01T12:00:00Z, 2026-03-01T12:10:00Z",
    "sensor-readings, 2026-03-01T12:00:00Z, 2026-03-01T12:02:00Z"
  })
  void theShippedPipelineTurnsTheGoldenRecordsIntoExactlyTheExpectedRows(
      String pipeline, Instant from, Instant to) throws IOException {
    TidemarkConfig config = TestSpark.localConfig();
    PipelineSpec spec = config.pipeline(pipeline).orElseThrow();
    Path dir = dir(pipeline);
    assertGolden(
        config,
        spec,
        records(dir.resolve("input.txt"), spec),
        new WindowRange(from, to, spec.window()),
        "offset");
  }

  /**
   * sensor-hourly reads sensor-readings' table (D39): its golden input is rows of that table, one
   * JSON object a line in {@code input.jsonl} (columns left out are NULL), and a rejected row is
   * quarantined as its JSON, without Kafka coordinates (the expected file names its device).
   */
  @Test
  void sensorHourlyTurnsTheGoldenUpstreamRowsIntoExactlyTheExpectedRows() throws IOException {
    TidemarkConfig config =
        ConfigLoader.load(
            TestSpark.projectDir().resolve("conf/local.conf"),
            Map.of(
                ConfigKeys.PIPELINES_DIR,
                SamplePipelines.copy(SamplePipelines.CHAIN, "-golden").toString()));
    PipelineSpec spec = config.pipeline("sensor-hourly").orElseThrow();
    Dataset<Row> upstreamRows =
        TestSpark.session()
            .read()
            .schema(
                "device_id STRING, window_start TIMESTAMP, window_end TIMESTAMP, window_date DATE,"
                    + " readings BIGINT, min_reading DOUBLE, max_reading DOUBLE, avg_reading"
                    + " DOUBLE, p95_reading DOUBLE, max_delay_ms BIGINT")
            .json(dir("sensor-hourly").resolve("input.jsonl").toString());
    assertGolden(
        config,
        spec,
        upstreamRows,
        new WindowRange(
            Instant.parse("2026-03-01T12:00:00Z"),
            Instant.parse("2026-03-01T14:00:00Z"),
            spec.window()),
        "get_json_object(CAST(value AS STRING), '$.device_id')");
  }

  private static Path dir(String pipeline) {
    return TestSpark.projectDir().resolve("core/src/test/resources/golden/" + pipeline);
  }

  /**
   * Decodes {@code raw} and computes the windows starting in {@code range} as the backfill does,
   * and compares the good events, the rejected records ({@code quarantineKey} and the reason) and
   * the gold rows with the expected files of the pipeline's golden folder.
   */
  private static void assertGolden(
      TidemarkConfig config,
      PipelineSpec spec,
      Dataset<Row> raw,
      WindowRange range,
      String quarantineKey)
      throws IOException {
    Path dir = dir(spec.name());
    EventDecoder decoder = EventDecoder.of(spec);
    Dataset<Row> decoded = decoder.decode(raw);
    Dataset<Row> events = decoder.accepted(decoded);

    assertEquals(
        expected(dir.resolve("expected-events.txt")),
        TestSpark.rows(events.select(decoder.schema().fieldNames()[0], rest(decoder))),
        "good events");
    assertEquals(
        expected(dir.resolve("expected-quarantine.txt")),
        TestSpark.rows(
            decoder.rejected(decoded).selectExpr(quarantineKey, EventDecoder.REASON_COLUMN)),
        "rejected records and their reasons");
    assertEquals(
        expected(dir.resolve("expected-gold.txt")),
        TestSpark.rows(
            BackfillRunner.windowRows(
                config,
                spec,
                SlicedAggregation.analyze(TestSpark.session(), spec),
                range,
                events,
                range.eventTimeTo())),
        "gold rows");
  }

  /** The declared event columns after the first: the events without the Kafka metadata. */
  private static String[] rest(EventDecoder decoder) {
    String[] names = decoder.schema().fieldNames();
    return Arrays.copyOfRange(names, 1, names.length);
  }

  /** The golden records of {@code file} as Kafka records of the pipeline's first topic. */
  static Dataset<Row> records(Path file, PipelineSpec spec) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : lines(file)) {
      int bar = line.indexOf(" |");
      if (bar < 0) {
        throw new IllegalArgumentException(file + ": no ' |' in: " + line);
      }
      String value = line.substring(bar + 2).strip();
      rows.add(
          RowFactory.create(
              null,
              List.of(),
              spec.source().topics().get(0),
              0,
              (long) rows.size(),
              Timestamp.from(Instant.parse(line.substring(0, bar).strip())),
              0,
              value.getBytes(StandardCharsets.UTF_8)));
    }
    return TestSpark.session().createDataFrame(rows, KAFKA);
  }

  /** The expected rows of {@code file}, sorted as {@link TestSpark#rows} sorts the actual ones. */
  static List<String> expected(Path file) throws IOException {
    return lines(file).stream().sorted().toList();
  }

  /** The lines of {@code file} that are not comments or blank. */
  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
  }
}
