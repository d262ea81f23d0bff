package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.ConsumerGroupOffsets;
import dev.tidemark.ops.MetricsRecorder;
import dev.tidemark.pipeline.PipelineValidator;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A loaded configuration and the SparkSession built from it, with the progress listener registered.
 * Opening it validates the selected pipelines, so no query starts for a bad one, then creates their
 * seeded dimension tables that do not exist yet ({@link DimensionSeeds}).
 */
public record PipelineRuntime(
    TidemarkConfig config,
    SparkSession spark,
    MetricsRecorder metrics,
    ConsumerGroupOffsets offsets)
    implements AutoCloseable {

  public static PipelineRuntime open(
      TidemarkConfig config, String appName, List<PipelineSpec> pipelines) {
    SparkSession spark = SparkSessionFactory.create(config, appName);
    new PipelineValidator(spark, config).validateAll(pipelines);
    DimensionSeeds.createMissing(spark, config, pipelines);
    MetricsRecorder metrics = new MetricsRecorder(spark, config.metricsPath());
    spark.streams().addListener(metrics);
    ConsumerGroupOffsets offsets = null;
    if (config.commitOffsets()) {
      offsets = new ConsumerGroupOffsets(config);
      spark.streams().addListener(offsets);
    }
    return new PipelineRuntime(config, spark, metrics, offsets);
  }

  /** Writes the remaining metrics and unregisters the recorder; the session stays up. */
  @Override
  public void close() {
    metrics.flush();
    spark.streams().removeListener(metrics);
    if (offsets != null) {
      spark.streams().removeListener(offsets);
      offsets.close();
    }
  }
}
