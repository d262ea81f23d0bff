package dev.tidemark.ops;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tidemark's per-batch figures as metrics of the {@link TidemarkMetricsPlugin}'s registry, per
 * pipeline (a topic's bronze ingest is pipeline {@code bronze:TOPIC}), named {@code PIPELINE.NAME}:
 *
 * <ul>
 *   <li>counters since the driver started, over every query of the pipeline: {@code records_read}
 *       (records read from Kafka), {@code records_quarantined}, {@code late_dropped} (as in the
 *       metrics table's {@code late_rows_dropped}), {@code batches} (of the main query);
 *   <li>gauges of the main query's last batch (the {@code gold} query, or {@code bronze}): {@code
 *       input_rows_per_second}, {@code processed_rows_per_second}, {@code watermark_seconds} (epoch
 *       seconds), {@code event_time_lag_seconds}, {@code kafka_records_behind}, {@code
 *       batch_duration_ms}, {@code state_rows}; NaN until a batch reported the figure.
 * </ul>
 *
 * Plus {@code pipelines}: how many pipelines have reported a batch. A batch counts once, however
 * many listeners report it. Without the plugin (no registry attached) recording does nothing.
 */
public final class PipelineMetrics {
  /** The metric names of a pipeline, after {@code PIPELINE.}, in the order documented. */
  public static final List<String> NAMES =
      List.of(
          "records_read",
          "records_quarantined",
          "late_dropped",
          "batches",
          "input_rows_per_second",
          "processed_rows_per_second",
          "watermark_seconds",
          "event_time_lag_seconds",
          "kafka_records_behind",
          "batch_duration_ms",
          "state_rows");

  private static volatile MetricRegistry registry;
  private static final Map<String, Pipeline> PIPELINES = new ConcurrentHashMap<>();
  private static final Map<String, Long> LAST_BATCH = new ConcurrentHashMap<>();

  private PipelineMetrics() {}

  static synchronized void attach(MetricRegistry metrics) {
    PIPELINES.clear();
    LAST_BATCH.clear();
    metrics.register("pipelines", (Gauge<Integer>) PIPELINES::size);
    registry = metrics;
  }

  static synchronized void detach() {
    registry = null;
    PIPELINES.clear();
    LAST_BATCH.clear();
  }

  /**
   * Adds one micro-batch of one query; a batch already recorded (same query, batch id) is skipped.
   */
  public static void record(BatchMetrics m) {
    MetricRegistry metrics = registry;
    if (metrics == null) {
      return;
    }
    boolean[] fresh = {false};
    LAST_BATCH.compute(
        m.queryId(),
        (id, last) -> {
          fresh[0] = last == null || m.batchId() > last;
          return fresh[0] ? m.batchId() : last;
        });
    if (!fresh[0]) {
      return;
    }
    PIPELINES.computeIfAbsent(m.pipeline(), name -> new Pipeline(metrics, name)).add(m);
  }

  /** One pipeline's metrics. */
  private static final class Pipeline {
    private final Counter read;
    private final Counter quarantined;
    private final Counter late;
    private final Counter batches;
    private volatile BatchMetrics main;

    Pipeline(MetricRegistry metrics, String name) {
      read = metrics.counter(name + ".records_read");
      quarantined = metrics.counter(name + ".records_quarantined");
      late = metrics.counter(name + ".late_dropped");
      batches = metrics.counter(name + ".batches");
      gauge(metrics, name, "input_rows_per_second", m -> m.inputRowsPerSecond());
      gauge(metrics, name, "processed_rows_per_second", m -> m.processedRowsPerSecond());
      gauge(
          metrics,
          name,
          "watermark_seconds",
          m -> m.watermark() == null ? null : m.watermark().toEpochMilli() / 1000.0);
      gauge(metrics, name, "event_time_lag_seconds", BatchMetrics::eventTimeLagSeconds);
      gauge(
          metrics,
          name,
          "kafka_records_behind",
          m -> m.offsetsBehindLatest() == null ? null : m.offsetsBehindLatest().doubleValue());
      gauge(metrics, name, "batch_duration_ms", m -> (double) m.batchDurationMs());
      gauge(metrics, name, "state_rows", m -> (double) m.stateRows());
    }

    private void gauge(
        MetricRegistry metrics,
        String pipeline,
        String name,
        java.util.function.Function<BatchMetrics, Double> figure) {
      metrics.register(
          pipeline + "." + name,
          (Gauge<Double>)
              () -> {
                BatchMetrics m = main;
                Double v = m == null ? null : figure.apply(m);
                return v == null ? Double.NaN : v;
              });
    }

    void add(BatchMetrics m) {
      if (m.recordsRead() != null) {
        read.inc(m.recordsRead());
      }
      if (m.recordsQuarantined() != null) {
        quarantined.inc(m.recordsQuarantined());
      }
      late.inc(m.lateRowsDropped());
      if (m.query().equals("gold") || m.query().equals("bronze")) {
        batches.inc();
        main = m;
      }
    }
  }
}
