package dev.tidemark.ops;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One micro-batch of one query, as recorded in the metrics table ({@code LAKE/_metrics/streaming},
 * partitioned by {@code date}). Query names are {@code PIPELINE-gold} (and {@code
 * PIPELINE-quarantine} for a pipeline on Spark's stateful aggregation); a topic's bronze ingest is
 * recorded as pipeline {@code bronze:TOPIC}, query {@code bronze}. The query that sees every record
 * and writes the quarantine (the sliced gold query, or the quarantine query) reports {@code
 * recordsRead} and {@code recordsQuarantined} of the batch (null otherwise); {@code
 * lateRowsDropped} counts events when the sliced gold query reports it, else Spark's rows dropped
 * at the state operator (after partial aggregation); {@code outputRows} is the sink's count when
 * the sink reports one.
 *
 * @param watermark the event-time watermark of the batch: Spark's, or for a sliced stream the one
 *     the batch moved it to
 * @param eventTimeLagSeconds batch time minus watermark: how far event time trails the clock
 * @param offsetsBehindLatest the largest Kafka consumer lag over the query's sources (records)
 */
public record BatchMetrics(
    String pipeline,
    String query,
    String queryId,
    long batchId,
    Instant batchTime,
    long inputRows,
    double inputRowsPerSecond,
    double processedRowsPerSecond,
    long batchDurationMs,
    long addBatchMs,
    long queryPlanningMs,
    Instant watermark,
    Double eventTimeLagSeconds,
    long stateRows,
    long stateMemoryBytes,
    long lateRowsDropped,
    Long outputRows,
    Long recordsRead,
    Long recordsQuarantined,
    Long offsetsBehindLatest) {

  static final String BRONZE_PREFIX = "bronze:";

  public static final StructType SCHEMA =
      new StructType()
          .add("pipeline", DataTypes.StringType)
          .add("query", DataTypes.StringType)
          .add("query_id", DataTypes.StringType)
          .add("batch_id", DataTypes.LongType)
          .add("batch_time", DataTypes.TimestampType)
          .add("input_rows", DataTypes.LongType)
          .add("input_rows_per_second", DataTypes.DoubleType)
          .add("processed_rows_per_second", DataTypes.DoubleType)
          .add("batch_duration_ms", DataTypes.LongType)
          .add("add_batch_ms", DataTypes.LongType)
          .add("query_planning_ms", DataTypes.LongType)
          .add("watermark", DataTypes.TimestampType)
          .add("event_time_lag_seconds", DataTypes.DoubleType)
          .add("state_rows", DataTypes.LongType)
          .add("state_memory_bytes", DataTypes.LongType)
          .add("late_rows_dropped", DataTypes.LongType)
          .add("output_rows", DataTypes.LongType)
          .add("records_read", DataTypes.LongType)
          .add("records_quarantined", DataTypes.LongType)
          .add("offsets_behind_latest", DataTypes.LongType)
          .add("date", DataTypes.DateType);

  /** Reads a query's progress report; the query name carries pipeline and query. */
  public static BatchMetrics of(StreamingQueryProgress p) {
    String name = p.name() == null ? "unnamed" : p.name();
    int dash = name.lastIndexOf('-');
    boolean bronze = name.startsWith(BRONZE_PREFIX);
    String pipeline = bronze || dash <= 0 ? name : name.substring(0, dash);
    String query = bronze ? "bronze" : dash > 0 ? name.substring(dash + 1) : "";
    Instant batchTime = Instant.parse(p.timestamp());
    String wm = p.eventTime().get("watermark");
    Instant watermark = wm == null ? null : Instant.parse(wm);
    if (watermark != null && watermark.toEpochMilli() == 0) {
      watermark = null; // no event seen yet
    }
    long stateRows = 0;
    long stateMemory = 0;
    long late = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      stateRows += s.numRowsTotal();
      stateMemory += s.memoryUsedBytes();
      late += s.numRowsDroppedByWatermark();
    }
    Long behind = null;
    for (SourceProgress s : p.sources()) {
      String v = s.metrics().get("maxOffsetsBehindLatest");
      if (v != null) {
        long b = Long.parseLong(v);
        behind = behind == null ? b : Math.max(behind, b);
      }
    }
    Map<String, Long> durations = p.durationMs();
    BatchCounts.Counts counts = BatchCounts.get(String.valueOf(p.id()), p.batchId());
    // A quarantine query counts only what it rejected; what it read is in the progress report.
    Long read = counts == null ? null : counts.read() < 0 ? p.numInputRows() : counts.read();
    Long rejected = counts == null ? null : (Long) counts.quarantined();
    if (counts != null && counts.lateDropped() != null) {
      late = counts.lateDropped();
    }
    if (counts != null && counts.watermarkMs() != null && counts.watermarkMs() > 0) {
      watermark = Instant.ofEpochMilli(counts.watermarkMs());
    }
    return new BatchMetrics(
        pipeline,
        query,
        String.valueOf(p.id()),
        p.batchId(),
        batchTime,
        p.numInputRows(),
        finite(p.inputRowsPerSecond()),
        finite(p.processedRowsPerSecond()),
        p.batchDuration(),
        durations.getOrDefault("addBatch", 0L),
        durations.getOrDefault("queryPlanning", 0L),
        watermark,
        watermark == null ? null : Duration.between(watermark, batchTime).toMillis() / 1000.0,
        stateRows,
        stateMemory,
        late,
        p.sink() == null || p.sink().numOutputRows() < 0 ? null : p.sink().numOutputRows(),
        read,
        rejected,
        behind);
  }

  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0;
  }

  public Row toRow() {
    return RowFactory.create(
        pipeline,
        query,
        queryId,
        batchId,
        Timestamp.from(batchTime),
        inputRows,
        inputRowsPerSecond,
        processedRowsPerSecond,
        batchDurationMs,
        addBatchMs,
        queryPlanningMs,
        watermark == null ? null : Timestamp.from(watermark),
        eventTimeLagSeconds,
        stateRows,
        stateMemoryBytes,
        lateRowsDropped,
        outputRows,
        recordsRead,
        recordsQuarantined,
        offsetsBehindLatest,
        Date.valueOf(batchTime.atZone(ZoneOffset.UTC).toLocalDate()));
  }

  /** The structured log line for this batch. */
  public String logLine() {
    return String.format(
        "pipeline=%s query=%s batch=%d rows=%d rate=%.0f/s duration_ms=%d watermark=%s lag_s=%s"
            + " state_rows=%d late_dropped=%d read=%s quarantined=%s kafka_behind=%s",
        pipeline,
        query,
        batchId,
        inputRows,
        processedRowsPerSecond,
        batchDurationMs,
        watermark == null ? "-" : watermark,
        eventTimeLagSeconds == null ? "-" : String.format("%.0f", eventTimeLagSeconds),
        stateRows,
        lateRowsDropped,
        recordsRead == null ? "-" : recordsRead,
        recordsQuarantined == null ? "-" : recordsQuarantined,
        offsetsBehindLatest == null ? "-" : offsetsBehindLatest);
  }
}
