package dev.tidemark.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.TestSpark;
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
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden tests of the shipped pipelines, in the style of flink-training's {@code HourlyTipsTest}:
 * for each, a handful of hand-written Kafka records (good, late, malformed, drifted) in {@code
 * src/test/resources/golden/PIPELINE/input.txt}, run through the transformation the backfill writes
 * ({@link EventDecoder}, then {@link BackfillRunner#windowRows}: the stream's sliced path where the
 * SQL has one), and compared with the exact rows written by hand beside them: the good events
 * ({@code expected-events.txt}), the rejected records with their reasons ({@code
 * expected-quarantine.txt}) and the gold rows of the golden range ({@code expected-gold.txt}). The
 * README there says how each expected row follows from the inputs.
 *
 * <p>Input lines are {@code KAFKA_TIMESTAMP | VALUE}, the value's bytes as text (nothing after the
 * bar: an empty value); the records are partition 0, offsets 0, 1, ... in file order. Lines
 * starting with {@code #} and blank lines are comments, in every file.
 */
class GoldenPipelineTest {
  static final StructType KAFKA =
      new StructType()
          .add("key", DataTypes.BinaryType)
          .add("value", DataTypes.BinaryType)
          .add("topic", DataTypes.StringType)
          .add("partition", DataTypes.IntegerType)
          .add("offset", DataTypes.LongType)
          .add("timestamp", DataTypes.TimestampType)
          .add("timestampType", DataTypes.IntegerType)
          .add(KafkaMetadata.HEADERS, KafkaMetadata.TYPE.apply(KafkaMetadata.HEADERS).dataType());

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
    Path dir = TestSpark.projectDir().resolve("src/test/resources/golden/" + pipeline);
    EventDecoder decoder = EventDecoder.of(spec);
    Dataset<Row> decoded = decoder.decode(records(dir.resolve("input.txt"), spec));
    Dataset<Row> events = decoder.accepted(decoded);
    WindowRange range = new WindowRange(from, to, spec.window());

    assertEquals(
        expected(dir.resolve("expected-events.txt")),
        TestSpark.rows(events.select(decoder.schema().fieldNames()[0], rest(decoder))),
        "good events");
    assertEquals(
        expected(dir.resolve("expected-quarantine.txt")),
        TestSpark.rows(decoder.rejected(decoded).select("offset", EventDecoder.REASON_COLUMN)),
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
    return java.util.Arrays.copyOfRange(names, 1, names.length);
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
              value.getBytes(StandardCharsets.UTF_8),
              spec.source().topics().get(0),
              0,
              (long) rows.size(),
              Timestamp.from(Instant.parse(line.substring(0, bar).strip())),
              0,
              List.of()));
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
