package dev.tidemark.pipeline;

import static dev.tidemark.AvroRecords.READING_V1;
import static dev.tidemark.AvroRecords.READING_V2;
import static dev.tidemark.AvroRecords.confluent;
import static dev.tidemark.AvroRecords.parse;
import static dev.tidemark.AvroRecords.reading;
import static dev.tidemark.pipeline.EventDecoderTest.ARRIVED;
import static dev.tidemark.pipeline.EventDecoderTest.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestSpark;
import dev.tidemark.config.AvroSpec;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.Test;

/**
 * Avro values, plain and in Confluent's wire format, decode into the same events as JSON would, and
 * every value that does not decode is rejected with its reason; each record is decoded once.
 */
class AvroDecoderTest {
  static final String COLUMNS =
      "device_id STRING, site STRING, reading DOUBLE, battery INT, event_time TIMESTAMP";
  static final Instant T = ARRIVED.minusSeconds(4); // 12:00:01
  static final Schema V1 = parse(READING_V1);
  static final Schema V2 = parse(READING_V2);

  static SourceSpec source(AvroSpec avro, String columns) {
    return SourceSpec.builder()
        .topics(List.of("readings"))
        .format("avro")
        .schemaDdl(columns)
        .eventTimeColumn("event_time")
        .watermarkDelay(Duration.ofMinutes(1))
        .avro(avro)
        .build();
  }

  static final AvroSpec PLAIN =
      new AvroSpec(
          Path.of("readings.avsc"),
          V2.toString(),
          AvroSpec.WireFormat.PLAIN,
          null,
          new TreeMap<>());

  static final AvroSpec CONFLUENT =
      new AvroSpec(
          Path.of("readings.avsc"),
          V2.toString(),
          AvroSpec.WireFormat.CONFLUENT,
          Path.of("readings-schemas"),
          new TreeMap<>(Map.of(1, V1.toString(), 2, V2.toString())));

  /** The from_avro calls in a plan, with the optimizer's copies. */
  static int avroParses(LogicalPlan plan) {
    // spark-avro's expression behind from_avro (private to Spark's sql package)
    return PlanExpressions.count(
        plan, e -> e.getClass().getName().equals("org.apache.spark.sql.avro.AvroDataToCatalyst"));
  }

  private static byte[] v2(String device, double value, Integer battery, Instant time) {
    return reading(V2, device, "s1", value, battery, time);
  }

  @Test
  void plainAvroGoodEventsAndRejectedValuesWithTheirReasons() {
    EventDecoder decoder = new EventDecoder(source(PLAIN, COLUMNS));
    byte[] good = v2("d1", 21.5, 80, T);
    Dataset<Row> decoded =
        decoder.decode(
            records(
                good,
                new byte[0],
                "{\"device_id\":\"d1\"}".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(good, good.length - 3), // cut short inside the event time
                v2("d2", Double.NaN, 80, T),
                v2("d3", Double.NEGATIVE_INFINITY, null, T),
                v2("d4", 1.0, null, T.plus(Duration.ofHours(2))),
                reading(V2, "d5", null, 2.0, null, T.plusSeconds(1))));

    assertEquals(
        List.of(
            "d1 | s1 | 21.5 | 80 | 2026-03-01 12:00:01.0",
            "d5 | null | 2.0 | null | 2026-03-01 12:00:02.0"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(
        List.of(
            "1 | empty payload",
            "2 | value is not Avro of schema readings.avsc",
            "3 | value is not Avro of schema readings.avsc",
            "4 | field 'reading' is not a finite number: NaN",
            "5 | field 'reading' is not a finite number: -Infinity",
            "6 | event time more than 15 minutes after it reached Kafka"
                + " (source.max-event-time-ahead)"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
  }

  @Test
  void confluentWireFormatDecodesEachKnownIdWithItsWriterSchemaAndNamesWhatIsWrong() {
    EventDecoder decoder = new EventDecoder(source(CONFLUENT, COLUMNS));
    Dataset<Row> decoded =
        decoder.decode(
            records(
                confluent(1, reading(V1, "d1", "s1", 21.5, null, T)), // written before battery
                confluent(2, v2("d2", 19.0, 75, T)),
                confluent(7, v2("d3", 1.0, 75, T)),
                v2("d4", 1.0, 75, T), // plain Avro: no header
                new byte[] {0, 0, 0},
                confluent(2, "not avro".getBytes(StandardCharsets.UTF_8)),
                confluent(2, new byte[0]),
                confluent(2, v2("d6", Double.NaN, 75, T))));

    assertEquals(
        List.of(
            "d1 | s1 | 21.5 | null | 2026-03-01 12:00:01.0",
            "d2 | s1 | 19.0 | 75 | 2026-03-01 12:00:01.0"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(
        List.of(
            "2 | unknown schema id 7 (no 7.avsc in readings-schemas/)",
            "3 | no Confluent header: the value does not start with the magic byte 0 and a 4-byte"
                + " schema id",
            "4 | no Confluent header: the value does not start with the magic byte 0 and a 4-byte"
                + " schema id",
            "5 | value is not Avro of schema id 2 (2.avsc)",
            "6 | value is not Avro of schema id 2 (2.avsc)",
            "7 | field 'reading' is not a finite number: NaN"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
    // One from_avro per known id, under one CASE on the id: each record is decoded once.
    assertEquals(2, avroParses(decoder.accepted(decoded).queryExecution().optimizedPlan()));
    assertEquals(2, avroParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
  }

  @Test
  void eachRecordIsDecodedOnceInTheAcceptedTheRejectedAndTheSlicedPlans() {
    PipelineSpec sensors = TestSpark.localConfig().pipeline("sensor-readings").orElseThrow();
    PipelineSpec avro =
        sensors
            .withSource(source(PLAIN, COLUMNS))
            .withSql(
                "SELECT device_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, count(*) AS readings, max(reading) AS max_reading FROM events"
                    + " GROUP BY device_id, window(event_time, '1 minute')")
            .withExpectations(Map.of("charged", "coalesce(battery, 100) > 5"));
    EventDecoder decoder = EventDecoder.of(avro);
    Dataset<Row> decoded = decoder.decode(records(v2("d1", 21.5, 80, T), new byte[] {1, 2}));

    assertEquals(1, avroParses(decoder.accepted(decoded).queryExecution().optimizedPlan()));
    assertEquals(1, avroParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
    SlicedAggregation.Analysis analysis = SlicedAggregation.analyze(TestSpark.session(), avro);
    assertTrue(analysis.sliced(), "runs on the sliced path");
    assertEquals(
        1,
        avroParses(
            analysis
                .aggregation()
                .slices(decoder.accepted(decoded))
                .queryExecution()
                .optimizedPlan()));
    assertEquals(
        1,
        avroParses(
            decoded
                .where(decoded.col(EventDecoder.REASON).isNull())
                .groupBy()
                .count()
                .queryExecution()
                .optimizedPlan()));
  }

  @Test
  void anEventTimeThatIsAPlainLongIsReadAsEpochMilliseconds() {
    Schema millis =
        parse(
            READING_V2.replace(
                "{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}", "\"long\""));
    AvroSpec plainLong =
        new AvroSpec(
            Path.of("readings.avsc"),
            millis.toString(),
            AvroSpec.WireFormat.PLAIN,
            null,
            new TreeMap<>());
    EventDecoder decoder = new EventDecoder(source(plainLong, COLUMNS));
    Dataset<Row> decoded =
        decoder.decode(records(reading(millis, "d1", "s1", 21.5, 80, T.plusMillis(250))));

    assertEquals(
        List.of("d1 | s1 | 21.5 | 80 | 2026-03-01 12:00:01.25"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(List.of(), TestSpark.rows(decoder.rejected(decoded).select("reason")));
  }
}
