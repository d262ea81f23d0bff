package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.ProgressLog;
import dev.tidemark.pipeline.PipelineValidator;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A loaded configuration and the SparkSession built from it, with the progress listener registered.
 * Opening it validates the selected pipelines, so no query starts for a bad one.
 */
public record Runtime(TidemarkConfig config, SparkSession spark) {

  public static Runtime open(TidemarkConfig config, String appName, List<PipelineSpec> pipelines) {
    SparkSession spark = SparkSessionFactory.create(config, appName);
    spark.streams().addListener(new ProgressLog());
    new PipelineValidator(spark).validateAll(pipelines);
    return new Runtime(config, spark);
  }
}
