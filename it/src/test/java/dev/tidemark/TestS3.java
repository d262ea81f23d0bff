package dev.tidemark;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.local.EmbeddedS3;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * The one S3-compatible server (S3Proxy on loopback, see {@link EmbeddedS3}) of a test JVM, started
 * on first use and stopped at exit, with one bucket, {@value #BUCKET}. Its credentials live only in
 * {@code src/test/resources/s3-test-credentials.properties}; tests hand them to Hadoop in memory or
 * to child JVMs through the environment (the AWS default credential chain, as in production), never
 * through files or command lines.
 */
public final class TestS3 {
  public static final String BUCKET = "lake";

  private static final Properties CREDENTIALS = credentials();
  private static EmbeddedS3 s3;

  private TestS3() {}

  public static synchronized EmbeddedS3 server() {
    if (s3 == null) {
      Path data =
          TestSpark.projectDir()
              .resolve("target/s3-it/data-" + UUID.randomUUID().toString().substring(0, 8));
      try {
        s3 = EmbeddedS3.start(data, List.of(BUCKET), accessKey(), secretKey());
      } catch (Exception e) {
        throw new IllegalStateException("cannot start S3Proxy", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> s3.close()));
    }
    return s3;
  }

  /** A fresh prefix in the bucket, as an s3a:// URI without a trailing slash. */
  public static String freshPrefix(String name) {
    server();
    return "s3a://" + BUCKET + "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Points s3a at the test server: what conf/s3-local.conf sets through spark.hadoop.*, with the
   * keys in memory instead of the environment.
   */
  public static void configure(Configuration hadoop) {
    hadoop.set("fs.s3a.endpoint", server().endpoint());
    hadoop.set("fs.s3a.endpoint.region", "us-east-1");
    hadoop.set("fs.s3a.path.style.access", "true");
    hadoop.set("fs.s3a.connection.ssl.enabled", "false");
    hadoop.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set("fs.s3a.access.key", accessKey());
    hadoop.set("fs.s3a.secret.key", secretKey());
  }

  /**
   * {@link #configure}'s settings as {@code --set} overrides ({@code spark.hadoop.*}) of an
   * in-process configuration, for what reads the lake without Spark ({@code LakeFileSystem}).
   */
  public static Map<String, String> sparkSettings() {
    Configuration hadoop = new Configuration(false);
    configure(hadoop);
    Map<String, String> settings = new TreeMap<>();
    hadoop.forEach(
        e -> settings.put(ConfigKeys.sparkSetting("spark.hadoop." + e.getKey()), e.getValue()));
    return settings;
  }

  /** Environment for a child JVM started with conf/s3-local.conf against the test server. */
  public static Map<String, String> childEnvironment() {
    return Map.of(
        "AWS_ENDPOINT_URL", server().endpoint(),
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", accessKey(),
        "AWS_SECRET_ACCESS_KEY", secretKey());
  }

  public static String accessKey() {
    return CREDENTIALS.getProperty("access-key");
  }

  static String secretKey() {
    return CREDENTIALS.getProperty("secret-key");
  }

  private static Properties credentials() {
    Properties p = new Properties();
    try (InputStream in = TestS3.class.getResourceAsStream("/s3-test-credentials.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
