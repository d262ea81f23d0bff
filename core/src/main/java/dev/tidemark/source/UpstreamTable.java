package dev.tidemark.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.tidemark.config.PipelineChain;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The source of a pipeline that reads another pipeline ({@code source.pipeline}, D39): the
 * upstream's Delta table, whose rows are the events. A stream reads it as a Delta streaming source
 * from its first version, with {@code skipChangeCommits}: the upstream is in append mode, so its
 * stream only appends; the commits that rewrite rows (a backfill, repair or reset of the upstream)
 * are skipped by the downstream stream, and the upstream's backfill names the downstream range to
 * backfill next (or runs it with {@code --cascade}). A backfill reads the rows whose event time
 * lies in its range.
 */
public final class UpstreamTable {
  private UpstreamTable() {}

  /** The upstream's table as an unbounded stream of its appended rows. */
  public static Dataset<Row> stream(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    return spark
        .readStream()
        .format("delta")
        .option("skipChangeCommits", "true")
        .load(existing(spark, config, spec));
  }

  /** The upstream's rows whose event time (the downstream's) lies in {@code [from, to)}. */
  public static Dataset<Row> range(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, Instant from, Instant to) {
    Column t = col("`" + spec.source().eventTimeColumn() + "`");
    return spark
        .read()
        .format("delta")
        .load(existing(spark, config, spec))
        .where(t.geq(lit(Timestamp.from(from))).and(t.lt(lit(Timestamp.from(to)))));
  }

  /** The path of the upstream's table; it must exist (its stream or a backfill creates it). */
  public static String path(TidemarkConfig config, PipelineSpec spec) {
    PipelineSpec upstream =
        PipelineChain.upstreamOf(config.pipelines(), spec)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "pipeline " + spec.name() + " reads no pipeline declared here"));
    return config.tablePath(upstream);
  }

  private static String existing(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    String path = path(config, spec);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      throw new IllegalStateException(
          "pipeline "
              + spec.name()
              + " reads the table of pipeline "
              + spec.source().pipeline()
              + ", which does not exist yet at "
              + path
              + ": stream (or backfill) "
              + spec.source().pipeline()
              + " first; `tidemark stream` starts upstream pipelines before the ones reading them");
    }
    return path;
  }
}
