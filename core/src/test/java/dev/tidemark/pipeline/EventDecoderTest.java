package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The decoder parses each record once, whatever the plan does with the decoded frame, and sorts
 * records into good events and rejected records with a reason, for hand-built Kafka records.
 */
class EventDecoderTest {
  static final Instant ARRIVED = Instant.parse("2026-03-01T12:00:05Z");
  final SparkSession spark = TestSpark.session();
  final PipelineSpec cards = TestSpark.localConfig().pipeline("card-velocity").orElseThrow();

  static final StructType KAFKA =
      new StructType()
          .add("key", DataTypes.BinaryType)
          .add("value", DataTypes.BinaryType)
          .add("topic", DataTypes.StringType)
          .add("partition", DataTypes.IntegerType)
          .add("offset", DataTypes.LongType)
          .add("timestamp", DataTypes.TimestampType)
          .add("timestampType", DataTypes.IntegerType);

  Dataset<Row> records(String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
    }
    return records(bytes);
  }

  /** Kafka records of one partition, offsets 0, 1, ..., each value as given, all at ARRIVED. */
  static Dataset<Row> records(byte[]... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(
          RowFactory.create(null, values[i], "cards", 0, (long) i, Timestamp.from(ARRIVED), 0));
    }
    return TestSpark.session().createDataFrame(rows, KAFKA);
  }

  static final String GOOD =
      "{\"card_id\":\"c1\",\"merchant_id\":\"m1\",\"country\":\"DE\",\"amount\":12.50,"
          + "\"event_time\":\"2026-03-01T12:00:01Z\"}";

  /**
   * The typed parses (from_json with the pipeline schema) in a plan, with the optimizer's copies.
   */
  static int typedParses(LogicalPlan plan) {
    return PlanExpressions.count(
        plan,
        e ->
            e instanceof JsonToStructs j && j.dataType().toString().contains(EventDecoder.CORRUPT));
  }

  @Test
  void eachRecordIsParsedOnceInTheAcceptedTheRejectedAndTheStreamPlans() {
    EventDecoder decoder = EventDecoder.of(cards); // one expectation: amount >= 0
    Dataset<Row> decoded = decoder.decode(records(GOOD, "{\"card_id\":", "[1]"));

    assertEquals(1, typedParses(decoder.accepted(decoded).queryExecution().optimizedPlan()));
    assertEquals(1, typedParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
    // The sliced stream's batch job: counts over the decoded frame and the slices of good events.
    SlicedAggregation sliced = SlicedAggregation.analyze(spark, cards).aggregation();
    assertEquals(
        1, typedParses(sliced.slices(decoder.accepted(decoded)).queryExecution().optimizedPlan()));
    assertEquals(
        1,
        typedParses(
            decoded
                .where(decoded.col(EventDecoder.REASON).isNull())
                .groupBy()
                .count()
                .queryExecution()
                .optimizedPlan()));
  }

  @Test
  void goodEventsAndRejectedRecordsWithTheirReasons() {
    EventDecoder decoder = EventDecoder.of(cards);
    Dataset<Row> decoded =
        decoder.decode(
            records(
                GOOD,
                "",
                "[1, 2]",
                "{\"card_id\":\"c2\",\"amount\":\"12.5x\",\"event_time\":\"2026-03-01T12:00:02Z\"}",
                "{\"card_id\":\"c3\",\"amount\":1.00}",
                "{\"card_id\":\"c4\",\"amount\":-1.00,\"event_time\":\"2026-03-01T12:00:03Z\"}",
                "{\"card_id\":\"c5\",\"amount\":1.00,\"event_time\":\"2026-03-03T12:00:03Z\"}",
                "{\"card_id\":"));

    assertEquals(
        List.of("c1 | m1 | DE | 12.50 | 2026-03-01 12:00:01.0"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(
        List.of(
            "1 | empty payload",
            "2 | malformed JSON",
            "3 | field 'amount' does not match the schema: expected DECIMAL(12,2), got '12.5x'",
            "4 | missing event time 'event_time'",
            "5 | expectation non-negative-amount failed: amount >= 0",
            "6 | event time more than 15 minutes after it reached Kafka"
                + " (source.max-event-time-ahead)",
            "7 | malformed JSON"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
  }

  static String reading(String reading, String battery) {
    return "{\"device_id\":\"d1\",\"site\":\"s1\",\"reading\":"
        + reading
        + ",\"battery\":"
        + battery
        + ",\"event_time\":\"2026-03-01T12:00:01Z\"}";
  }

  @Test
  void numbersThatAreNotFiniteAreRejectedNamingTheField() {
    PipelineSpec sensors = TestSpark.localConfig().pipeline("sensor-readings").orElseThrow();
    // The decoder alone (the sample SQL reads _kafka, which these records do without).
    EventDecoder decoder = new EventDecoder(sensors.source()); // reading DOUBLE, battery INT
    Dataset<Row> decoded =
        decoder.decode(
            records(
                reading("21.5", "80"),
                reading("NaN", "80"),
                reading("Infinity", "80"),
                reading("-Infinity", "80"),
                reading("\"NaN\"", "80"),
                reading("\"-Infinity\"", "80"),
                reading("1e400", "80"),
                reading("21.5", "NaN"),
                reading("21.5", "\"-Infinity\"")));

    assertEquals(
        List.of("d1 | s1 | 21.5 | 80 | 2026-03-01 12:00:01.0"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(
        List.of(
            "1 | field 'reading' is not a finite number: NaN",
            "2 | field 'reading' is not a finite number: Infinity",
            "3 | field 'reading' is not a finite number: -Infinity",
            "4 | field 'reading' is not a finite number: NaN",
            "5 | field 'reading' is not a finite number: -Infinity",
            "6 | field 'reading' is not a finite number: Infinity",
            "7 | field 'battery' is not a finite number: NaN",
            "8 | field 'battery' is not a finite number: -Infinity"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
    assertEquals(1, typedParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
  }

  @Test
  void nonFiniteNumbersInsideStructsArraysAndMapsAndInDecimalsAreRejected() {
    SourceSpec nested =
        SourceSpec.builder()
            .topics(List.of("t"))
            .format("json")
            .schemaDdl(
                "id STRING, pos STRUCT<lat: DOUBLE, lon: FLOAT>, samples ARRAY<DOUBLE>,"
                    + " gauges MAP<STRING, ARRAY<DOUBLE>>, amount DECIMAL(12,2), event_time"
                    + " TIMESTAMP")
            .eventTimeColumn("event_time")
            .watermarkDelay(Duration.ofMinutes(5))
            .build();
    EventDecoder decoder = new EventDecoder(nested);
    String time = ",\"event_time\":\"2026-03-01T12:00:01Z\"}";
    Dataset<Row> decoded =
        decoder.decode(
            records(
                "{\"id\":\"ok\",\"pos\":{\"lat\":1.5,\"lon\":2.5},\"samples\":[1.0,null],"
                    + "\"gauges\":{\"g\":[3.0]},\"amount\":1.00"
                    + time,
                "{\"id\":\"a\",\"pos\":{\"lat\":1.5,\"lon\":NaN}" + time,
                "{\"id\":\"b\",\"samples\":[1.0,Infinity]" + time,
                "{\"id\":\"c\",\"gauges\":{\"g\":[3.0,-Infinity]}}" + time,
                "{\"id\":\"d\",\"amount\":NaN" + time));

    assertEquals(List.of("ok"), TestSpark.rows(decoder.accepted(decoded).select("id")));
    assertEquals(
        List.of(
            "1 | field 'pos' holds a number that is not finite (NaN or Infinity)",
            "2 | field 'samples' holds a number that is not finite (NaN or Infinity)",
            "3 | field 'gauges' holds a number that is not finite (NaN or Infinity)",
            "4 | field 'amount' is not a finite number: NaN"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
  }

  @Test
  void anEventTimeAheadOfItsKafkaTimestampByMoreThanTheBoundIsRejected() {
    String at = "{\"card_id\":\"c1\",\"amount\":1.00,\"event_time\":\"%s\"}";
    String[] events = {
      String.format(at, ARRIVED.plus(Duration.ofMinutes(15))), // at the bound: accepted
      String.format(at, ARRIVED.plus(Duration.ofMinutes(15)).plusMillis(1)),
      String.format(at, ARRIVED.plus(Duration.ofHours(20))),
      String.format(at, ARRIVED.minus(Duration.ofHours(20))) // behind: late, not wrong
    };
    assertEquals(15, cards.source().maxEventTimeAhead().toMinutes(), "the default bound");
    EventDecoder decoder = EventDecoder.of(cards);
    Dataset<Row> decoded = decoder.decode(records(events));
    assertEquals(List.of("0", "3"), offsets(decoded, true));
    assertEquals(
        List.of(
            "1 | event time more than 15 minutes after it reached Kafka"
                + " (source.max-event-time-ahead)",
            "2 | event time more than 15 minutes after it reached Kafka"
                + " (source.max-event-time-ahead)"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));

    // A pipeline whose producers' clocks may run a day ahead says so.
    EventDecoder lenient =
        EventDecoder.of(cards.withSource(cards.source().withMaxEventTimeAhead(Duration.ofDays(1))));
    Dataset<Row> lenientDecoded = lenient.decode(records(events));
    assertEquals(List.of("0", "1", "2", "3"), offsets(lenientDecoded, true));
    lenient =
        EventDecoder.of(
            cards.withSource(cards.source().withMaxEventTimeAhead(Duration.ofHours(2))));
    assertEquals(
        List.of(
            "2 | event time more than 2 hours after it reached Kafka"
                + " (source.max-event-time-ahead)"),
        TestSpark.rows(
            lenient.rejected(lenient.decode(records(events))).select("offset", "reason")));
  }

  /** The Kafka offsets of the accepted (or rejected) records of a decoded frame. */
  private static List<String> offsets(Dataset<Row> decoded, boolean accepted) {
    return TestSpark.rows(
        decoded
            .where(
                accepted
                    ? decoded.col(EventDecoder.REASON).isNull()
                    : decoded.col(EventDecoder.REASON).isNotNull())
            .select(decoded.col(EventDecoder.RAW).getField("offset")));
  }

  /**
   * With ANSI SQL an expectation can raise an error for one record (a failed cast, a division by
   * zero): that record fails the expectation and is quarantined with a reason saying so; the others
   * are decided as usual, and each record is still parsed once. Before, the error failed the whole
   * batch (and every replay of it).
   */
  @Test
  void aRecordWhoseExpectationRaisesAnErrorFailsItAndGoesToQuarantine() {
    Map<String, String> rules = new LinkedHashMap<>();
    rules.put("numeric-card", "cast(card_id AS INT) > 0");
    rules.put("small-amount", "100 / cast(amount AS INT) > 1");
    EventDecoder decoder = new EventDecoder(cards.source(), rules);
    Dataset<Row> decoded =
        decoder.decode(
            records(
                card("42", "12.50"),
                card("c1", "12.50"),
                card("7", "0.40"),
                card("7", "200.00"),
                card("-3", "12.50"),
                "{\"card_id\":"));

    assertEquals(
        List.of("42 | m1 | DE | 12.50 | 2026-03-01 12:00:01.0"),
        TestSpark.rows(decoder.accepted(decoded)));
    assertEquals(
        List.of(
            "1 | expectation numeric-card failed: cast(card_id AS INT) > 0 (evaluating it raised"
                + " an error)",
            "2 | expectation small-amount failed: 100 / cast(amount AS INT) > 1 (evaluating it"
                + " raised an error)",
            "3 | expectation small-amount failed: 100 / cast(amount AS INT) > 1",
            "4 | expectation numeric-card failed: cast(card_id AS INT) > 0",
            "5 | malformed JSON"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
    assertEquals(1, typedParses(decoder.accepted(decoded).queryExecution().optimizedPlan()));
    assertEquals(1, typedParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
  }

  private static String card(String id, String amount) {
    return GOOD.replace("\"c1\"", "\"" + id + "\"").replace("12.50", amount);
  }

  /** Kafka records with headers: each value with the key {@code k<offset>} and one header. */
  Dataset<Row> recordsWithHeaders(String... values) {
    StructType withHeaders =
        KAFKA.add(
            KafkaMetadata.HEADERS, KafkaMetadata.TYPE.apply(KafkaMetadata.HEADERS).dataType());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(
          RowFactory.create(
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              values[i].getBytes(StandardCharsets.UTF_8),
              "cards",
              3,
              (long) i,
              Timestamp.from(ARRIVED),
              0,
              List.of(RowFactory.create("channel", "web".getBytes(StandardCharsets.UTF_8)))));
    }
    return spark.createDataFrame(rows, withHeaders);
  }

  /**
   * A pipeline that names {@code _kafka} in its SQL or an expectation gets the record's metadata
   * beside its events (one parse per record still); one that does not gets exactly the declared
   * columns, as before.
   */
  @Test
  void theKafkaMetadataIsCarriedOnlyForAPipelineThatNamesIt() {
    PipelineSpec withMetadata =
        cards
            .withSql(cards.sql().replace("FROM events", "FROM events WHERE _kafka.partition = 3"))
            .withExpectations(Map.of("keyed", "_kafka.key IS NOT NULL AND amount >= 0"));
    EventDecoder decoder = EventDecoder.of(withMetadata);
    assertTrue(decoder.carriesMetadata());
    Dataset<Row> decoded = decoder.decode(recordsWithHeaders(GOOD, card("c2", "-1.00"), "[1]"));

    assertEquals(
        List.of("c1 | k0 | channel=web | cards | 3 | 0 | 2026-03-01 12:00:05.0 | 0"),
        TestSpark.rows(
            decoder
                .accepted(decoded)
                .selectExpr(
                    "card_id",
                    "CAST(_kafka.key AS STRING)",
                    "concat_ws(',', transform(_kafka.headers,"
                        + " h -> concat(h.key, '=', CAST(h.value AS STRING))))",
                    "_kafka.topic",
                    "_kafka.partition",
                    "_kafka.offset",
                    "_kafka.timestamp",
                    "_kafka.timestampType")));
    assertEquals(
        List.of(
            "1 | expectation keyed failed: _kafka.key IS NOT NULL AND amount >= 0",
            "2 | malformed JSON"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
    assertEquals(1, typedParses(decoder.accepted(decoded).queryExecution().optimizedPlan()));
    assertEquals(1, typedParses(decoder.rejected(decoded).queryExecution().optimizedPlan()));
    SlicedAggregation sliced = SlicedAggregation.analyze(spark, withMetadata).aggregation();
    assertEquals(
        1, typedParses(sliced.slices(decoder.accepted(decoded)).queryExecution().optimizedPlan()));

    // The sample pipelines do not name it: no metadata, no headers needed.
    EventDecoder plain = EventDecoder.of(cards);
    assertFalse(plain.carriesMetadata());
    assertEquals(
        List.of(plain.schema().fieldNames()),
        List.of(plain.accepted(plain.decode(records(GOOD))).columns()));
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(records(GOOD)));
  }

  @Test
  void aPipelineUsesTheMetadataWhenItsSqlNamesTheColumnAsAWord() {
    assertTrue(KafkaMetadata.references("SELECT max(_kafka.timestamp) FROM events"));
    assertTrue(KafkaMetadata.references("SELECT `_KAFKA`.key FROM events"));
    assertTrue(KafkaMetadata.references("WHERE exists(_kafka.headers, h -> h.key = 'x')"));
    assertFalse(KafkaMetadata.references("SELECT my_kafka, _kafkas, kafka FROM events"));
    assertFalse(KafkaMetadata.references(null));
  }
}
