package dev.tidemark.run;

import dev.tidemark.config.TidemarkConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession from {@code tidemark.spark}. A setting already given to the JVM (by
 * {@code spark-submit --conf}, which passes them as system properties) wins over the file.
 */
public final class SparkSessionFactory {
  private static volatile boolean created;

  private SparkSessionFactory() {}

  /**
   * Whether this JVM asked for a session: a command that needs none ({@code status}) never builds
   * or looks one up, not even to stop it at exit.
   */
  public static boolean created() {
    return created;
  }

  public static SparkSession create(TidemarkConfig config, String appName) {
    created = true;
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
