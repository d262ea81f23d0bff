package dev.tidemark.run;

import dev.tidemark.config.TidemarkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The lake's Hadoop file system, built from the {@code spark.hadoop.*} settings of the
 * configuration, without a SparkSession: bookkeeping (locks, journals) happens before Spark starts.
 */
public final class LakeFileSystem {
  private LakeFileSystem() {}

  public static FileSystem of(TidemarkConfig config) {
    try {
      return FileSystem.get(URI.create(config.lake()), hadoopConf(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lake " + config.lake(), e);
    }
  }

  /**
   * The Hadoop configuration Spark would build from the configuration's {@code spark.hadoop.*}
   * settings (s3a endpoint, credentials provider, ...), for reading the lake without Spark.
   */
  public static Configuration hadoopConf(TidemarkConfig config) {
    Configuration hadoop = new Configuration();
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        hadoop.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      }
    }
    return hadoop;
  }
}
