package dev.tidemark;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.MetricsRecorder;
import dev.tidemark.run.SparkSessionFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM (local[2], two shuffle partitions, Delta), built from
 * conf/local.conf exactly as the application builds it, plus small helpers to read tables.
 */
public final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      spark = SparkSessionFactory.create(localConfig(), "tidemark-tests");
      spark.streams().addListener(new MetricsRecorder(spark, null));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
    }
    return spark;
  }

  /**
   * The shipped conf/local.conf with the sample pipelines (only those: {@link SamplePipelines}).
   */
  public static TidemarkConfig localConfig() {
    return ConfigLoader.load(projectDir().resolve("conf/local.conf"), SamplePipelines.overrides());
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("tidemark.project.dir", ".")).toAbsolutePath().normalize();
  }

  /** Runs SQL on the shared session. */
  public static Dataset<Row> sql(String query) {
    return session().sql(query);
  }

  public static Dataset<Row> table(String path) {
    return session().read().format("delta").load(path);
  }

  /** Rows rendered as sorted strings, for comparisons that print well when they fail. */
  public static List<String> rows(Dataset<Row> frame) {
    return frame.collectAsList().stream()
        .map(r -> Arrays.stream(columns(r)).collect(Collectors.joining(" | ")))
        .sorted()
        .toList();
  }

  private static String[] columns(Row r) {
    String[] out = new String[r.length()];
    for (int i = 0; i < r.length(); i++) {
      out[i] = String.valueOf(r.get(i));
    }
    return out;
  }
}
