package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * The streaming queries of one pipeline: the one that writes its result table, and the separate
 * quarantine query of a pipeline on Spark's stateful aggregation (null for a sliced pipeline, whose
 * gold query writes the quarantine too).
 */
public record RunningPipeline(PipelineSpec spec, StreamingQuery gold, StreamingQuery quarantine) {

  /** Every query of the pipeline. */
  public List<StreamingQuery> queries() {
    return quarantine == null ? List.of(gold) : List.of(gold, quarantine);
  }

  /** Waits until every query ends (an available-now run ends once caught up). */
  public void awaitTermination() throws StreamingQueryException {
    for (StreamingQuery q : queries()) {
      q.awaitTermination();
    }
  }

  public void stop() throws TimeoutException {
    for (StreamingQuery q : queries()) {
      q.stop();
    }
  }
}
