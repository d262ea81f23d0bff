package dev.tidemark.pipeline;

import dev.tidemark.config.PipelineSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The pipeline's transformation, {@code events -> result}: puts the event-time watermark on the
 * events, registers them as the view {@code events} and runs the pipeline's SQL over it.
 *
 * <p>The same function serves the stream and the backfill. On a batch frame the watermark is a
 * no-op, so a backfill also counts events a stream would have dropped as late.
 */
public final class PipelineQuery {
  /** The view name the pipeline SQL selects from. */
  public static final String EVENTS_VIEW = "events";

  private final PipelineSpec spec;

  public PipelineQuery(PipelineSpec spec) {
    this.spec = spec;
  }

  public Dataset<Row> apply(Dataset<Row> events) {
    Dataset<Row> watermarked =
        events.withWatermark(
            spec.source().eventTimeColumn(),
            spec.source().watermarkDelay().toMillis() + " milliseconds");
    return sqlOver(watermarked, spec.sql());
  }

  /** Runs {@code sql} with {@code view} as the view {@code events}. */
  static Dataset<Row> sqlOver(Dataset<Row> view, String sql) {
    SparkSession spark = view.sparkSession();
    // The view is session-wide; the SQL is analysed eagerly, so holding the lock while
    // registering and planning keeps concurrent pipelines from seeing each other's events.
    synchronized (spark) {
      view.createOrReplaceTempView(EVENTS_VIEW);
      try {
        return spark.sql(sql);
      } finally {
        spark.catalog().dropTempView(EVENTS_VIEW);
      }
    }
  }
}
