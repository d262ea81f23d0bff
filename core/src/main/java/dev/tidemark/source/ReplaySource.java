package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a backfill or a repair reads a pipeline's raw records for a Kafka-timestamp range: Kafka
 * itself (as far back as its retention) or the bronze tables (as far back as the lake). Both give
 * the same columns, so the same decoder, SQL and sink run on either.
 */
public enum ReplaySource {
  KAFKA,
  BRONZE,
  /**
   * The table of the pipeline a pipeline reads ({@code source.pipeline}): {@link UpstreamTable}.
   */
  UPSTREAM;

  /** The sources a backfill of a pipeline reading Kafka topics can read: Kafka and bronze. */
  public static List<ReplaySource> ofTopics() {
    return List.of(KAFKA, BRONZE);
  }

  public Dataset<Row> read(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec, Instant from, Instant to) {
    return switch (this) {
      case BRONZE -> BronzeRangeSource.read(spark, config, spec, from, to);
      case KAFKA -> KafkaRangeSource.read(spark, config, spec, from, to);
      case UPSTREAM -> UpstreamTable.range(spark, config, spec, from, to);
    };
  }

  /**
   * The upstream's table for a pipeline that reads a pipeline; otherwise bronze when every topic of
   * the pipeline has a bronze table, else Kafka.
   */
  public static ReplaySource defaultFor(
      SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    if (spec.source().fromPipeline()) {
      return UPSTREAM;
    }
    return hasBronze(spark, config, spec) ? BRONZE : KAFKA;
  }

  /**
   * Whether every topic of the pipeline has a bronze table; for a topic pattern, whether some
   * bronze table matches it and every matching one is a table.
   */
  public static boolean hasBronze(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    List<String> topics =
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec);
    return !topics.isEmpty()
        && topics.stream().allMatch(t -> DeltaTable.isDeltaTable(spark, config.bronzePath(t)));
  }

  public String label() {
    return name().toLowerCase();
  }

  /**
   * Why this source cannot feed {@code spec}, if it cannot: Kafka and bronze hold no rows of a
   * pipeline that reads a pipeline, and only such a pipeline has an upstream table.
   */
  public java.util.Optional<String> mismatch(PipelineSpec spec) {
    if (spec.source().fromPipeline() == (this == UPSTREAM)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        spec.source().fromPipeline()
            ? "pipeline "
                + spec.name()
                + " reads pipeline "
                + spec.source().pipeline()
                + ", not Kafka: its backfill reads that pipeline's table (--source upstream, the"
                + " default)"
            : "pipeline "
                + spec.name()
                + " reads Kafka, not another pipeline: use bronze or kafka");
  }
}
