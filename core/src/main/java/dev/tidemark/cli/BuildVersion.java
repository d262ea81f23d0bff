package dev.tidemark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code tidemark --version}: the version the build wrote into {@code
 * dev/tidemark/version.properties} (Maven resource filtering), the Spark and Delta versions it was
 * built against, and the Spark and Java it runs on.
 */
public final class BuildVersion implements IVersionProvider {
  /** The project version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return properties().getProperty("version", "unknown");
  }

  @Override
  public String[] getVersion() {
    Properties p = properties();
    return new String[] {
      "tidemark " + p.getProperty("version", "unknown"),
      "built with Spark "
          + p.getProperty("spark", "?")
          + " and Delta "
          + p.getProperty("delta", "?")
          + "; running on Spark "
          + runningSpark()
          + ", Java "
          + System.getProperty("java.version")
    };
  }

  private static Properties properties() {
    Properties p = new Properties();
    try (InputStream in =
        BuildVersion.class.getResourceAsStream("/dev/tidemark/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static String runningSpark() {
    try {
      Object pkg = Class.forName("org.apache.spark.package$").getField("MODULE$").get(null);
      return String.valueOf(pkg.getClass().getMethod("SPARK_VERSION").invoke(pkg));
    } catch (ReflectiveOperationException | LinkageError e) {
      return "none on the classpath";
    }
  }
}
