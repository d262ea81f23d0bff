package dev.tidemark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;

/** How one Spark progress report becomes one row of the metrics table, rule by rule. */
class BatchMetricsTest {
  static final String BATCH_TIME = "2026-03-01T23:59:30Z";

  /** A progress report builder with the figures a test sets; the rest are zero or empty. */
  static final class Progress {
    final UUID id = UUID.randomUUID();
    String name = "card-velocity-gold";
    long batchId = 7;
    String watermark;
    List<SourceProgress> sources = List.of(source(100, 50.0, 200.0, null));
    List<StateOperatorProgress> state = List.of();
    long sinkRows = 100;

    static SourceProgress source(long rows, double inRate, double processedRate, String behind) {
      Map<String, String> metrics = new HashMap<>();
      if (behind != null) {
        metrics.put("maxOffsetsBehindLatest", behind);
      }
      return new SourceProgress("kafka", "{}", "{}", "{}", rows, inRate, processedRate, metrics);
    }

    static StateOperatorProgress state(long rows, long memory, long dropped) {
      return new StateOperatorProgress(
          "stateStoreSave", rows, 0, 0, 0, 0, 0, memory, dropped, 2, 2, new HashMap<>());
    }

    BatchMetrics metrics() {
      Map<String, String> eventTime = new HashMap<>();
      if (watermark != null) {
        eventTime.put("watermark", watermark);
      }
      return BatchMetrics.of(
          new StreamingQueryProgress(
              id,
              UUID.randomUUID(),
              name,
              BATCH_TIME,
              batchId,
              1500,
              Map.of("addBatch", 1200L, "queryPlanning", 90L),
              eventTime,
              state.toArray(StateOperatorProgress[]::new),
              sources.toArray(SourceProgress[]::new),
              new SinkProgress("delta", sinkRows, Map.of()),
              Map.of()));
    }
  }

  @Test
  void theQueryNameSplitsIntoPipelineAndQueryAtItsLastDash() {
    BatchMetrics m = new Progress().metrics();
    assertEquals("card-velocity", m.pipeline());
    assertEquals("gold", m.query());
  }

  @Test
  void aBronzeIngestIsPipelineBronzeColonTopicQueryBronze() {
    Progress p = new Progress();
    p.name = "bronze:card-transactions";
    BatchMetrics m = p.metrics();
    assertEquals("bronze:card-transactions", m.pipeline());
    assertEquals("bronze", m.query());
  }

  @Test
  void rowsRatesAndDurationsAreTheReportsFigures() {
    BatchMetrics m = new Progress().metrics();
    assertEquals(7, m.batchId());
    assertEquals(Instant.parse(BATCH_TIME), m.batchTime());
    assertEquals(100, m.inputRows());
    assertEquals(50.0, m.inputRowsPerSecond());
    assertEquals(200.0, m.processedRowsPerSecond());
    assertEquals(1500, m.batchDurationMs());
    assertEquals(1200, m.addBatchMs());
    assertEquals(90, m.queryPlanningMs());
    assertEquals(100L, m.outputRows());
  }

  @Test
  void aRateThatIsNotFiniteIsRecordedAsZero() {
    Progress p = new Progress();
    p.sources = List.of(Progress.source(0, Double.NaN, Double.POSITIVE_INFINITY, null));
    BatchMetrics m = p.metrics();
    assertEquals(0.0, m.inputRowsPerSecond());
    assertEquals(0.0, m.processedRowsPerSecond());
  }

  @Test
  void aSinkThatDoesNotCountItsRowsRecordsNoOutputRows() {
    Progress p = new Progress();
    p.sinkRows = -1;
    assertNull(p.metrics().outputRows());
  }

  @Test
  void theLagIsTheBatchTimeMinusTheWatermarkInSeconds() {
    Progress p = new Progress();
    p.watermark = "2026-03-01T23:54:00Z";
    BatchMetrics m = p.metrics();
    assertEquals(Instant.parse("2026-03-01T23:54:00Z"), m.watermark());
    assertEquals(330.0, m.eventTimeLagSeconds());
  }

  @Test
  void aWatermarkAtEpochZeroMeansNoEventSeenYetAndNoLag() {
    Progress p = new Progress();
    p.watermark = "1970-01-01T00:00:00.000Z";
    BatchMetrics m = p.metrics();
    assertNull(m.watermark());
    assertNull(m.eventTimeLagSeconds());
  }

  @Test
  void stateRowsMemoryAndLateRowsAreSummedOverTheStateOperators() {
    Progress p = new Progress();
    p.state = List.of(Progress.state(10, 1000, 3), Progress.state(5, 24, 1));
    BatchMetrics m = p.metrics();
    assertEquals(15, m.stateRows());
    assertEquals(1024, m.stateMemoryBytes());
    assertEquals(4, m.lateRowsDropped());
  }

  @Test
  void offsetsBehindLatestIsTheLargestOverTheSourcesThatReportIt() {
    Progress p = new Progress();
    p.sources =
        List.of(
            Progress.source(1, 1, 1, "40"),
            Progress.source(1, 1, 1, null),
            Progress.source(1, 1, 1, "7"));
    assertEquals(40L, p.metrics().offsetsBehindLatest());
    p.sources = List.of(Progress.source(1, 1, 1, null));
    assertNull(p.metrics().offsetsBehindLatest());
  }

  @Test
  void withoutTheSinksCountsRecordsReadAndQuarantinedAreUnknown() {
    BatchMetrics m = new Progress().metrics();
    assertNull(m.recordsRead());
    assertNull(m.recordsQuarantined());
  }

  @Test
  void theSlicedSinksCountsGiveReadQuarantinedLateAndTheWatermarkItMovedTo() {
    Progress p = new Progress();
    p.watermark = "2026-03-01T23:50:00Z";
    p.state = List.of(Progress.state(10, 1000, 3));
    BatchCounts.record(
        p.id.toString(),
        p.batchId,
        new BatchCounts.Counts(120, 20, 5L, Instant.parse("2026-03-01T23:55:00Z").toEpochMilli()));
    BatchMetrics m = p.metrics();
    assertEquals(120L, m.recordsRead());
    assertEquals(20L, m.recordsQuarantined());
    assertEquals(5, m.lateRowsDropped(), "the sink's late events, not the state operator's");
    assertEquals(Instant.parse("2026-03-01T23:55:00Z"), m.watermark());
    assertEquals(270.0, m.eventTimeLagSeconds());
  }

  @Test
  void aQuarantineQuerysCountsTakeRecordsReadFromTheReportAndKeepSparksLateRows() {
    Progress p = new Progress();
    p.name = "sensor-readings-quarantine";
    p.state = List.of(Progress.state(10, 1000, 3));
    BatchCounts.record(p.id.toString(), p.batchId, new BatchCounts.Counts(-1, 2, null, null));
    BatchMetrics m = p.metrics();
    assertEquals(100L, m.recordsRead());
    assertEquals(2L, m.recordsQuarantined());
    assertEquals(3, m.lateRowsDropped());
    assertNull(m.watermark());
  }

  @Test
  void theRowIsPartitionedByTheUtcDateOfTheBatchTime() {
    Progress p = new Progress();
    p.watermark = "2026-03-01T23:54:00Z";
    Row row = p.metrics().toRow();
    assertEquals(BatchMetrics.SCHEMA.size(), row.size());
    assertEquals(Date.valueOf("2026-03-01"), row.getAs(BatchMetrics.SCHEMA.fieldIndex("date")));
    assertEquals(
        Timestamp.from(Instant.parse("2026-03-01T23:54:00Z")),
        row.getAs(BatchMetrics.SCHEMA.fieldIndex("watermark")));
  }

  @Test
  void theLogLineNamesEveryFigureAndADashForOnesNotKnown() {
    assertEquals(
        "pipeline=card-velocity query=gold batch=7 rows=100 rate=200/s duration_ms=1500"
            + " watermark=- lag_s=- state_rows=0 late_dropped=0 read=- quarantined=-"
            + " kafka_behind=-",
        new Progress().metrics().logLine());
  }
}
