package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/** The streaming queries of one pipeline: its result table and its quarantine. */
public record RunningPipeline(PipelineSpec spec, StreamingQuery gold, StreamingQuery quarantine) {

  public List<StreamingQuery> queries() {
    return List.of(gold, quarantine);
  }

  /** Waits until both queries end (an available-now run ends once caught up). */
  public void awaitTermination() throws StreamingQueryException {
    gold.awaitTermination();
    quarantine.awaitTermination();
  }

  public void stop() throws TimeoutException {
    gold.stop();
    quarantine.stop();
  }
}
