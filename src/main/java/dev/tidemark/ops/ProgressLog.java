package dev.tidemark.ops;

import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per micro-batch of every query: rows in, rate, duration, watermark, state rows and
 * rows dropped behind the watermark. Register it once per SparkSession.
 */
public final class ProgressLog extends StreamingQueryListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.debug("query {} started (id {})", event.name(), event.id());
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (p.numInputRows() == 0 && p.stateOperators().length == 0) {
      return;
    }
    long stateRows = 0;
    long late = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      stateRows += s.numRowsTotal();
      late += s.numRowsDroppedByWatermark();
    }
    String watermark = p.eventTime().getOrDefault("watermark", "-");
    LOG.info(
        "{} batch {}: {} rows in, {} rows/s, {} ms {}, watermark {}, state rows {}, late dropped {}",
        p.name(),
        p.batchId(),
        p.numInputRows(),
        Math.round(p.processedRowsPerSecond()),
        p.batchDuration(),
        p.durationMs(),
        watermark,
        stateRows,
        late);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.error("query {} failed: {}", event.id(), event.exception().get());
    }
  }
}
