package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.PipelineQuery;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The part of a pipeline both runners share: raw Kafka records in, decoded events, the pipeline's
 * result and its rejected records out. Only the edges (which source, which sink) differ between the
 * stream and the backfill.
 */
public record PipelineFrames(
    PipelineSpec spec, TidemarkConfig config, Dataset<Row> decoded, Dataset<Row> result) {

  /** Decodes raw records and applies the pipeline's query to the good ones. */
  public static PipelineFrames over(
      Dataset<Row> raw, PipelineSpec spec, TidemarkConfig config, EventFilter filter) {
    EventDecoder decoder = EventDecoder.of(spec);
    Dataset<Row> decoded = decoder.decode(raw);
    Dataset<Row> events = filter.apply(decoder.accepted(decoded));
    return new PipelineFrames(spec, config, decoded, new PipelineQuery(spec).apply(events));
  }

  /** Records that could not be decoded, with their reason. */
  public Dataset<Row> rejected() {
    return EventDecoder.of(spec).rejected(decoded);
  }

  public String tablePath() {
    return config.tablePath(spec);
  }

  /** A narrowing of the decoded events before the query (a backfill's event-time range). */
  @FunctionalInterface
  public interface EventFilter {
    Dataset<Row> apply(Dataset<Row> events);

    EventFilter ALL = events -> events;
  }
}
