package dev.tidemark.ops;

import dev.tidemark.run.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every micro-batch of every query: one structured log line (DEBUG; {@code stream} prints a
 * status line per pipeline instead), the Spark metrics of {@link PipelineMetrics}, and one row in
 * the metrics Delta table (see {@link BatchMetrics}). Rows are buffered and appended by a
 * background thread (never on Spark's listener thread) every {@value #FLUSH_EVERY} batches, when a
 * query ends, and on {@link #flush()}.
 */
public final class MetricsRecorder extends StreamingQueryListener {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsRecorder.class);
  static final int FLUSH_EVERY = 20;

  private final SparkSession spark;
  private final String path;
  private static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(30);
  private final List<Row> buffer = new ArrayList<>();
  private final java.util.Set<java.util.UUID> running = new java.util.HashSet<>();
  private final ExecutorService writer = DaemonThreads.single("tidemark-metrics-writer");

  /**
   * @param path the metrics table, or null to only log
   */
  public MetricsRecorder(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  public String path() {
    return path;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.debug("query {} started (id {})", event.name(), event.id());
    synchronized (running) {
      running.add(event.id());
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    BatchMetrics m = BatchMetrics.of(event.progress());
    if (m.inputRows() > 0 || m.stateRows() > 0) {
      LOG.debug(m.logLine());
    }
    PipelineMetrics.record(m);
    if (path == null) {
      return;
    }
    boolean full;
    synchronized (buffer) {
      buffer.add(m.toRow());
      full = buffer.size() >= FLUSH_EVERY;
    }
    if (full) {
      writer.submit(this::write);
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    synchronized (running) {
      running.remove(event.id());
      running.notifyAll();
    }
    if (event.exception().isDefined()) {
      LOG.error("query {} failed: {}", event.id(), event.exception().get());
    }
    writer.submit(this::write);
  }

  /**
   * Writes everything recorded so far and waits for it. Spark delivers listener events
   * asynchronously, so this first waits (up to {@link #DRAIN_TIMEOUT}) for the termination event of
   * every query that has stopped, which comes after its last progress event.
   */
  public void flush() {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    synchronized (running) {
      while (!running.isEmpty()
          && running.stream().noneMatch(this::isActive)
          && System.nanoTime() < deadline) {
        try {
          running.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    Future<?> done = writer.submit(this::write);
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("cannot write metrics to {}: {}", path, e.getCause().toString());
    }
  }

  private boolean isActive(java.util.UUID id) {
    return spark.streams().get(id) != null;
  }

  private void write() {
    List<Row> rows;
    synchronized (buffer) {
      rows = new ArrayList<>(buffer);
      buffer.clear();
    }
    if (rows.isEmpty()) {
      return;
    }
    try {
      spark
          .createDataFrame(rows, BatchMetrics.SCHEMA)
          .write()
          .format("delta")
          .mode(SaveMode.Append)
          .partitionBy("date")
          .save(path);
    } catch (RuntimeException e) {
      LOG.warn("cannot write {} metrics rows to {}: {}", rows.size(), path, e.toString());
    }
  }
}
