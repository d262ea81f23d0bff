package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

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
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(
          RowFactory.create(
              null,
              values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8),
              "cards",
              0,
              (long) i,
              Timestamp.from(ARRIVED),
              0));
    }
    return spark.createDataFrame(rows, KAFKA);
  }

  static final String GOOD =
      "{\"card_id\":\"c1\",\"merchant_id\":\"m1\",\"country\":\"DE\",\"amount\":12.50,"
          + "\"event_time\":\"2026-03-01T12:00:01Z\"}";

  /**
   * The typed parses (from_json with the pipeline schema) in a plan, with the optimizer's copies.
   */
  static int typedParses(LogicalPlan plan) {
    int n = 0;
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      n += typedParses(e);
    }
    for (LogicalPlan c : CollectionConverters.asJava(plan.children())) {
      n += typedParses(c);
    }
    return n;
  }

  private static int typedParses(Expression e) {
    int n =
        e instanceof JsonToStructs j && j.dataType().toString().contains(EventDecoder.CORRUPT)
            ? 1
            : 0;
    for (Expression c : CollectionConverters.asJava(e.children())) {
      n += typedParses(c);
    }
    return n;
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
            "6 | event time more than 1 day after it reached Kafka",
            "7 | malformed JSON"),
        TestSpark.rows(decoder.rejected(decoded).select("offset", "reason")));
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
}
