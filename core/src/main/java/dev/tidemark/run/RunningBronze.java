package dev.tidemark.run;

import java.util.List;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bronze ingest queries of some topics and the locks that keep each topic to this process. */
public record RunningBronze(
    List<String> topics, List<StreamingQuery> queries, List<LakeLock> locks) {
  private static final Logger LOG = LoggerFactory.getLogger(RunningBronze.class);

  /** Nothing ingested (bronze turned off). */
  public static RunningBronze none() {
    return new RunningBronze(List.of(), List.of(), new java.util.ArrayList<>());
  }

  /** Waits until every query ends (an available-now run ends once caught up), then unlocks. */
  public void awaitTermination() throws StreamingQueryException {
    try {
      for (StreamingQuery q : queries) {
        q.awaitTermination();
      }
    } finally {
      releaseLocks();
    }
  }

  /** Stops the queries and releases the locks. */
  public void stop() {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (Exception e) {
        LOG.warn("cannot stop {}: {}", q.name(), e.toString());
      }
    }
    releaseLocks();
  }

  private synchronized void releaseLocks() {
    for (LakeLock lock : locks) {
      try {
        lock.close();
      } catch (RuntimeException e) {
        LOG.warn("cannot release {}: {}", lock, e.toString());
      }
    }
    locks.clear();
  }
}
