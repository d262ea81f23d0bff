package dev.tidemark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench table's arithmetic and rendering, on made-up samples (nothing is timed here). */
class BenchReportTest {
  private static Sample sample(double seconds) {
    return new Sample(seconds, seconds * 1.5, 0.5, 900L << 20, 400L << 20, 1000, 2L << 20);
  }

  private static Measurement row(String id, double... seconds) {
    return new Measurement(
        id,
        id + " label",
        1_000_000,
        java.util.Arrays.stream(seconds).mapToObj(BenchReportTest::sample).toList(),
        "");
  }

  private static BenchReport report(List<Measurement> rows) {
    return report(rows, List.of());
  }

  private static BenchReport report(List<Measurement> rows, List<ScalePoint.Row> scaling) {
    return new BenchReport(
        new BenchSettings(
            "card-velocity",
            1_000_000,
            3,
            1,
            4,
            Instant.parse("2026-01-01T00:00:00Z"),
            Duration.ofHours(4),
            0,
            120,
            Duration.ofSeconds(1)),
        new MachineInfo(2, 24L << 30, "cpu", "jdk", "os", "1.0 1.0 1.0"),
        "2.0 2.0 2.0",
        "scripts/bench",
        "conf local.conf",
        10,
        5,
        rows,
        scaling,
        null,
        "not run",
        true,
        100);
  }

  @Test
  void givenEventAndKeyAxesWhenBuildingTheScaleGridThenKeysVaryAtTheMainEventCount() {
    assertEquals(
        List.of(
            new ScalePoint(100, 0),
            new ScalePoint(1000, 0),
            new ScalePoint(500, 10),
            new ScalePoint(500, 20)),
        ScalePoint.grid(List.of(100, 1000), List.of(10, 20), 500));
  }

  @Test
  void givenScalingRunsWhenReportingThenEachPointIsATableRowWithItsKeys() {
    String md =
        report(
                List.of(row(BenchReport.UPDATE, 10)),
                List.of(
                    new ScalePoint.Row(new ScalePoint(1_000_000, 0), row("s1", 20)),
                    new ScalePoint.Row(new ScalePoint(1_000_000, 10_000), row("s2", 40))))
            .markdown();
    assertTrue(md.contains("| 1,000,000 | 400 (skewed) | 50,000 | 20.0 |"), md);
    assertTrue(md.contains("| 1,000,000 | 10,000 | 25,000 | 40.0 |"), md);
  }

  @Test
  void givenOddRunsWhenTakingTheMedianThenTheMiddleRunCounts() {
    Measurement m = row("x", 9, 1, 5);
    assertEquals(5, m.medianSeconds());
    assertEquals(200_000, m.eventsPerSecond(), 1e-9);
    assertEquals(7.5, m.sparkCpuPerMillion(), 1e-9);
  }

  @Test
  void givenEvenRunsWhenTakingTheMedianThenTheMiddleTwoAreAveraged() {
    assertEquals(3, row("x", 1, 2, 4, 9).medianSeconds());
  }

  @Test
  void givenStreamAndBackfillRowsWhenReportingThenRatiosAreEventsPerSecondQuotients() {
    BenchReport report =
        report(
            List.of(
                row(BenchReport.UPDATE, 10),
                row(BenchReport.APPEND, 5),
                row(BenchReport.BACKFILL, 4),
                row(BenchReport.NAIVE, 50),
                Measurement.unavailable(BenchReport.FLINK_FILES, "Flink", "n/a (not built)")));
    assertEquals(0.4, report.ratio(BenchReport.UPDATE, BenchReport.BACKFILL), 1e-9);
    assertEquals(10, report.ratio(BenchReport.APPEND, BenchReport.NAIVE), 1e-9);
    assertTrue(Double.isNaN(report.ratio(BenchReport.UPDATE, BenchReport.FLINK_FILES)));

    String md = report.markdown();
    assertTrue(md.contains("| tidemark-stream-update label | 100,000 | 10.00 | 1.00 | 2.00 |"), md);
    assertTrue(md.contains("| Flink | n/a (not built) |"), md);
    assertTrue(md.contains("streaming (update) ÷ batch backfill: 0.40 (target ≥ 0.8)"), md);
    assertTrue(md.contains("Command: `scripts/bench`"), md);

    String json = Json.write(report.json());
    assertTrue(json.contains("\"events_per_second\": 100000.0"), json);
    assertTrue(json.contains("\"Tidemark (update) ÷ Flink SQL → files\": null"), json);
  }

  @Test
  void givenKafkaSourceOffsetsWhenParsedThenEveryPartitionHasItsOffset() {
    assertEquals(
        Map.of(0, 120L, 1, 7L, 3, 0L),
        LatencyProbe.offsets("{\"card-transactions\":{\"0\":120,\"1\":7,\"3\":0}}"));
    assertEquals(Map.of(), LatencyProbe.offsets(null));
  }

  @Test
  void givenQuotesAndNewlinesWhenWritingJsonThenTheyAreEscaped() {
    Map<String, Object> value = new java.util.LinkedHashMap<>();
    value.put("a", "x\"y\nz");
    value.put("b", List.of(1, Double.NaN));
    assertEquals(
        "{\n  \"a\": \"x\\\"y\\nz\",\n  \"b\": [\n    1,\n    null\n  ]\n}\n", Json.write(value));
  }
}
