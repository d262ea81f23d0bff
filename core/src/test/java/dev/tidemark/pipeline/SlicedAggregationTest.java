package dev.tidemark.pipeline;

import static dev.tidemark.TestSpark.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestSpark;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.WindowSpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The sliced form of a pipeline's SQL gives the rows the SQL gives. Windows rolled up from slices
 * are compared with the SQL run directly over the same events, and slices aggregated in several
 * batches (as a stream writes them) with slices aggregated at once (as a backfill does).
 */
class SlicedAggregationTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  final SparkSession spark = TestSpark.session();

  static PipelineSpec shipped(String name) {
    return TestSpark.localConfig().pipeline(name).orElseThrow();
  }

  Dataset<Row> events(PipelineSpec spec, List<Row> rows) {
    StructType schema = new EventDecoder(spec.source()).schema();
    Dataset<Row> events = spark.createDataFrame(rows, schema);
    if (!KafkaMetadata.usedBy(spec)) {
      return events;
    }
    // The SQL reads the Kafka metadata (sensor-readings: the arrival delay): a record timestamp
    // 0 to 5 s after the event time, from the row's own values.
    return events.withColumn(
        KafkaMetadata.COLUMN,
        org.apache.spark.sql.functions.expr(
            "named_struct('key', CAST(NULL AS BINARY), 'headers', CAST(NULL AS"
                + " ARRAY<STRUCT<key: STRING, value: BINARY>>), 'topic', 't', 'partition', 0,"
                + " 'offset', 0L, 'timestamp', timestamp_millis(unix_millis(`"
                + spec.source().eventTimeColumn()
                + "`) + pmod(hash(to_json(struct(*))), 5000)), 'timestampType', 0)"));
  }

  static Timestamp at(int minute, int second) {
    return Timestamp.from(T0.plus(Duration.ofMinutes(minute)).plusSeconds(second));
  }

  static long ms(int minute) {
    return T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
  }

  /** The SQL run directly over the events, windows starting in [from, to) only. */
  Dataset<Row> direct(PipelineSpec spec, Dataset<Row> events, long from, long to) {
    String start = spec.window().startColumn();
    return PipelineQuery.sqlOver(events, spec.sql())
        .where("unix_millis(" + start + ") >= " + from + " AND unix_millis(" + start + ") < " + to);
  }

  @Test
  void cardVelocityFromOneMinuteSlicesGivesTheExactRowsOfTheSql() {
    PipelineSpec spec = shipped("card-velocity");
    SlicedAggregation sliced = SlicedAggregation.analyze(spark, spec).aggregation();
    // Given card A: two payments at 12:00:30 and 12:03:10 (merchants m1, m2; countries DE, FR);
    // card B: one at 12:09:59.
    Dataset<Row> events =
        events(
            spec,
            List.of(
                RowFactory.create("A", "m1", "DE", new java.math.BigDecimal("10.00"), at(0, 30)),
                RowFactory.create("A", "m2", "FR", new java.math.BigDecimal("5.50"), at(3, 10)),
                RowFactory.create("B", "m1", "DE", new java.math.BigDecimal("1.00"), at(9, 59))));

    assertEquals(60_000, sliced.sliceMillis());
    List<String> got = rows(sliced.windows(sliced.slices(events), ms(-9), ms(10)));

    // Then windows 11:51..12:00 hold A's first payment, 11:54..12:00 both, 12:01..12:03 the second
    // only; B is in the ten windows 12:00..12:09.
    List<String> expected = new ArrayList<>();
    for (int w = -9; w <= 9; w++) {
      boolean first = w <= 0;
      boolean second = w >= -6 && w <= 3;
      if (first || second) {
        int n = (first ? 1 : 0) + (second ? 1 : 0);
        String total = first && second ? "15.50" : first ? "10.00" : "5.50";
        expected.add(row("A", w, n, total, n, n));
      }
      if (w >= 0) {
        expected.add(row("B", w, 1, "1.00", 1, 1));
      }
    }
    assertEquals(expected.stream().sorted().toList(), got);
  }

  private static String row(String card, int w, int n, String total, int merchants, int countries) {
    Instant start = T0.plus(Duration.ofMinutes(w));
    return String.join(
        " | ",
        card,
        Timestamp.from(start).toString(),
        Timestamp.from(start.plus(Duration.ofMinutes(10))).toString(),
        start.toString().substring(0, 10),
        Integer.toString(n),
        total,
        Integer.toString(merchants),
        Integer.toString(countries),
        "false");
  }

  @Test
  void slicesWrittenInSeveralBatchesRollUpToTheSqlOverAllEvents() {
    for (String name : List.of("card-velocity", "sensor-readings", "page-analytics")) {
      PipelineSpec spec = shipped(name);
      SlicedAggregation sliced = SlicedAggregation.analyze(spark, spec).aggregation();
      List<Row> all = randomEvents(spec, 600, 42);
      Dataset<Row> batch1 = events(spec, all.subList(0, 250));
      Dataset<Row> batch2 = events(spec, all.subList(250, 600));
      Dataset<Row> slices = sliced.slices(batch1).unionByName(sliced.slices(batch2));
      long from = ms(0);
      long to = ms(60);

      // approx_count_distinct becomes a theta sketch, exact below 4,096 distinct users per window.
      PipelineSpec exact =
          spec.withSql(
              spec.sql().replace("approx_count_distinct(user_id)", "count(DISTINCT user_id)"));
      List<String> expected = rows(direct(exact, events(spec, all), from, to));
      assertFalse(expected.isEmpty());
      assertEquals(expected, rows(sliced.windows(slices, from, to)), name + ", two batches");
      assertEquals(
          expected,
          rows(sliced.windows(sliced.compact(slices), from, to)),
          name + ", two batches compacted");
      assertEquals(
          rows(sliced.windows(sliced.slices(events(spec, all)), from, to)),
          rows(sliced.windows(slices, from, to)),
          name + ": a stream's slices equal a backfill's");
    }
  }

  /** Events of the pipeline's schema: 20 keys, 40 minutes, from a seed. */
  private List<Row> randomEvents(PipelineSpec spec, int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Timestamp t = at(5 + r.nextInt(40), r.nextInt(60));
      String key = "k" + r.nextInt(20);
      out.add(
          switch (spec.name()) {
            case "card-velocity" ->
                RowFactory.create(
                    key,
                    "m" + r.nextInt(5),
                    List.of("DE", "FR", "US", "GB", "JP").get(r.nextInt(5)),
                    java.math.BigDecimal.valueOf(r.nextInt(100_000), 2),
                    t);
            case "sensor-readings" ->
                RowFactory.create(key, "s" + r.nextInt(3), (double) r.nextInt(1000), 90, t);
            default -> RowFactory.create("u" + r.nextInt(50), "/p" + r.nextInt(4), "ref", t);
          });
    }
    return out;
  }

  @Test
  void aWhereClauseFiltersEventsBeforeTheSlicesAndHavingFiltersWindows() {
    PipelineSpec spec =
        shipped("card-velocity")
            .withSql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, count(*) AS n, avg(amount) AS mean FROM events"
                    + " WHERE country <> 'US' GROUP BY card_id,"
                    + " window(event_time, '10 minutes', '1 minute') HAVING count(*) >= 2");
    SlicedAggregation.Analysis analysis = SlicedAggregation.analyze(spark, spec);
    assertTrue(analysis.sliced(), analysis.notSlicedBecause());
    SlicedAggregation sliced = analysis.aggregation();
    Dataset<Row> all = events(spec, randomEvents(spec, 400, 7));

    List<String> expected = rows(direct(spec, all, ms(0), ms(60)));
    assertFalse(expected.isEmpty());
    assertEquals(expected, rows(sliced.windows(sliced.slices(all), ms(0), ms(60))));
  }

  @Test
  void sqlOutsideTheSlicedShapeIsNamedWithTheReason() {
    PipelineSpec base = shipped("sensor-readings");
    assertNotSliced(
        base,
        "SELECT device_id, window.start AS window_start, stddev(reading) AS sd FROM events"
            + " GROUP BY device_id, window(event_time, '1 minute')",
        "the aggregate stddev cannot be merged from slices");
    assertNotSliced(
        base,
        "SELECT device_id, window.start AS window_start, count(DISTINCT site) AS n FROM events"
            + " GROUP BY device_id, window(event_time, '1 minute')",
        "DISTINCT");
    assertNotSliced(
        base,
        "SELECT device_id, window.start AS window_start, count(*) AS n FROM events"
            + " GROUP BY device_id, window(event_time, '2 minutes')",
        "differs from query.window");
    assertNotSliced(
        base,
        "SELECT upper(device_id) AS d, window.start AS window_start, count(*) AS n FROM events"
            + " GROUP BY upper(device_id), window(event_time, '1 minute')",
        "GROUP BY upper(device_id)");
    PipelineSpec session =
        base.withWindow(
            new WindowSpec(
                WindowSpec.Type.SESSION, Duration.ofMinutes(5), Duration.ofMinutes(5), "s"));
    assertNotSliced(session, base.sql(), "session windows");
  }

  private void assertNotSliced(PipelineSpec base, String sql, String reason) {
    SlicedAggregation.Analysis a = SlicedAggregation.analyze(spark, base.withSql(sql));
    assertFalse(a.sliced(), sql);
    assertTrue(a.notSlicedBecause().contains(reason), a.notSlicedBecause());
  }

  @Test
  void theSlicedQueriesAreTheSqlWithAggregatesReplaced() {
    SlicedAggregation sliced =
        SlicedAggregation.analyze(spark, shipped("page-analytics")).aggregation();
    assertEquals(
        "SELECT `page`, _slice, count(*) AS _p0, theta_sketch_agg(user_id, 12) AS _p1 FROM events"
            + " GROUP BY `page`, _slice",
        sliced.sliceSql());
    assertTrue(
        sliced.rollupSql().contains("sum(_p0)                          AS views"),
        sliced.rollupSql());
    assertTrue(
        sliced.rollupSql().contains("theta_sketch_estimate(theta_union_agg(_p1, 12))"),
        sliced.rollupSql());
    assertTrue(sliced.rollupSql().contains("GROUP BY page, window"), sliced.rollupSql());
  }
}
