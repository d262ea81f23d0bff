package dev.tidemark.run;

import dev.tidemark.config.TidemarkConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession from {@code tidemark.spark}. A setting already given to the JVM (by
 * {@code spark-submit --conf}, which passes them as system properties) wins over the file.
 */
public final class SparkSessionFactory {
  private SparkSessionFactory() {}

  public static SparkSession create(TidemarkConfig config, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      if (System.getProperty(e.getKey()) == null) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    if (System.getProperty("spark.master") == null
        && !config.sparkConf().containsKey("spark.master")) {
      builder.master("local[*]");
    }
    return builder.getOrCreate();
  }
}
