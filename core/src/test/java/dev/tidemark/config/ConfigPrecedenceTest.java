package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One precedence for every key, highest first: --set, -D system properties, environment variables,
 * the configuration file, the defaults inside the jar (reference.conf).
 */
class ConfigPrecedenceTest {
  private static final String KEY = ConfigKeys.KAFKA_BOOTSTRAP_SERVERS;
  private static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";
  private static final String DEFAULT_LAKE = "file:/var/lib/tidemark/lake";

  @TempDir Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty(KEY);
  }

  /**
   * A configuration file that sets the bootstrap servers and nothing else (no ${?VAR}, no include):
   * every other key comes from the defaults inside the jar, at every level.
   */
  private Path file() throws IOException {
    Files.createDirectories(dir.resolve("pipelines"));
    return Files.writeString(
        dir.resolve("prod.conf"), "tidemark.kafka.bootstrap-servers = \"from-file:9092\"\n");
  }

  private static Map<String, String> env(String value) {
    return Map.of(ENV, value, "TIDEMARK_PIPELINES_DIR", "pipelines");
  }

  @Test
  void defaultsInsideTheJarAreTheLowestLevel() throws IOException {
    Files.createDirectories(dir.resolve("pipelines"));
    Path empty = Files.writeString(dir.resolve("empty.conf"), "# nothing\n");

    assertEquals("localhost:9092", ConfigLoader.load(empty, Map.of(), Map.of()).bootstrapServers());
  }

  @Test
  void theFileWinsOverTheDefaults() throws IOException {
    TidemarkConfig config = ConfigLoader.load(file(), Map.of(), Map.of());

    assertEquals("from-file:9092", config.bootstrapServers());
    assertEquals(DEFAULT_LAKE, config.lake());
  }

  @Test
  void theEnvironmentWinsOverTheFileThoughTheFileDoesNotMentionIt() throws IOException {
    TidemarkConfig config = ConfigLoader.load(file(), Map.of(), env("from-env:9092"));

    assertEquals("from-env:9092", config.bootstrapServers());
    assertEquals(DEFAULT_LAKE, config.lake());
  }

  @Test
  void systemPropertiesWinOverTheEnvironment() throws IOException {
    System.setProperty(KEY, "from-property:9092");

    TidemarkConfig config = ConfigLoader.load(file(), Map.of(), env("from-env:9092"));

    assertEquals("from-property:9092", config.bootstrapServers());
    assertEquals(DEFAULT_LAKE, config.lake());
  }

  @Test
  void setWinsOverSystemProperties() throws IOException {
    System.setProperty(KEY, "from-property:9092");

    TidemarkConfig config =
        ConfigLoader.load(file(), Map.of(KEY, "from-set:9092"), env("from-env:9092"));

    assertEquals("from-set:9092", config.bootstrapServers());
    assertEquals(DEFAULT_LAKE, config.lake());
  }

  @Test
  void everyDocumentedVariableSetsItsKeyOverTheShippedLocalConf() throws IOException {
    Path pipelines = Files.createDirectories(dir.resolve("my-pipelines"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TIDEMARK_LAKE", "/data/lake");
    env.put("TIDEMARK_CHECKPOINTS", "/data/checkpoints");
    env.put("TIDEMARK_PIPELINES_DIR", pipelines.toString());
    env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9093");
    env.put("TIDEMARK_COMMIT_OFFSETS", "false");
    env.put("TIDEMARK_BRONZE_ENABLED", "false");
    env.put("TIDEMARK_S3A_LOGSTORE", "io.delta.storage.S3SingleDriverLogStore");
    env.put("AWS_ENDPOINT_URL", "http://minio:9000");
    env.put("AWS_REGION", "eu-west-1");
    assertEquals(ConfigKeys.ENVIRONMENT.keySet(), env.keySet());

    // conf/local.conf sets the lake, commit-offsets = true and spark settings of its own.
    TidemarkConfig config = ConfigLoader.load(Path.of("conf/local.conf"), Map.of(), env);

    assertEquals("file:/data/lake", config.lake());
    assertEquals("file:/data/checkpoints", config.checkpoints());
    assertEquals(0, config.pipelines().size());
    assertEquals("broker:9093", config.bootstrapServers());
    assertEquals(false, config.commitOffsets());
    assertEquals(false, config.bronze().enabled());
    assertEquals(
        "io.delta.storage.S3SingleDriverLogStore",
        config.sparkConf().get("spark.delta.logStore.s3a.impl"));
    assertEquals("http://minio:9000", config.sparkConf().get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("eu-west-1", config.sparkConf().get("spark.hadoop.fs.s3a.endpoint.region"));
  }

  @Test
  void checkpointsFollowALakeFromTheEnvironment() throws IOException {
    TidemarkConfig config =
        ConfigLoader.load(
            file(), Map.of(), Map.of("TIDEMARK_LAKE", "s3a://bucket/lake", ENV, "b:1"));

    assertEquals("s3a://bucket/lake", config.lake());
    assertEquals("s3a://bucket/lake/_checkpoints", config.checkpoints());
  }

  @Test
  void withNoConfigurationFileAtAllTheDefaultsInsideTheJarApply() throws IOException {
    Path pipelines = Files.createDirectories(dir.resolve("pipelines"));

    TidemarkConfig config =
        ConfigLoader.load(null, Map.of(), Map.of("TIDEMARK_PIPELINES_DIR", pipelines.toString()));

    assertEquals(null, config.file());
    assertEquals("file:/var/lib/tidemark/lake", config.lake());
    assertEquals("file:/var/lib/tidemark/lake/_checkpoints", config.checkpoints());
    assertEquals("localhost:9092", config.bootstrapServers());
    assertEquals(Map.of("failOnDataLoss", "true"), config.kafkaOptions());
    assertEquals(false, config.commitOffsets());
    assertEquals(Duration.ofMinutes(2), config.kafkaStartupWait());
    assertEquals(Duration.ofMinutes(15), config.kafkaTimestampSlack());
    assertEquals(Duration.ofHours(24), config.slowestReaderLag());
    assertEquals(
        new BronzeSpec(true, TriggerSpec.every(Duration.ofMinutes(1)), Map.of()), config.bronze());
    Map<String, String> spark = config.sparkConf();
    assertEquals(
        "dev.tidemark.storage.S3ConditionalPutLogStore",
        spark.get("spark.delta.logStore.s3a.impl"));
    assertEquals(
        "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
        spark.get("spark.hadoop.fs.s3a.aws.credentials.provider"));
    assertEquals("UTC", spark.get("spark.sql.session.timeZone"));
    assertEquals("io.delta.sql.DeltaSparkSessionExtension", spark.get("spark.sql.extensions"));
    assertEquals(
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
        spark.get("spark.sql.streaming.stateStore.providerClass"));
    assertEquals("8", spark.get("spark.sql.shuffle.partitions"));
    assertEquals("65536", spark.get("spark.sql.objectHashAggregate.sortBased.fallbackThreshold"));
    assertEquals("dev.tidemark.ops.TidemarkMetricsPlugin", spark.get("spark.plugins"));
    assertEquals("${spark.app.name}", spark.get("spark.metrics.namespace"));
    assertEquals("false", spark.get("spark.sql.inMemoryColumnarStorage.compressed"));
    assertEquals("false", spark.get("spark.sql.artifact.isolation.enabled"));
    assertEquals("1000", spark.get("spark.sql.codegen.cache.maxEntries"));
    assertEquals(22, spark.size(), spark.toString());
  }

  @Test
  void theProductionExampleLoadsWithNoUnknownKey() {
    TidemarkConfig config =
        ConfigLoader.load(
            Path.of("conf/prod.conf.example"),
            Map.of(ConfigKeys.PIPELINES_DIR, dir.toString()),
            Map.of());

    assertEquals("s3a://my-bucket/tidemark", config.lake());
    assertEquals(
        "dev.tidemark.storage.S3ConditionalPutLogStore",
        config.sparkConf().get("spark.delta.logStore.s3a.impl"));
  }

  /**
   * validate --show-config: each key's value and the layer it came from, the file with its line; a
   * secret-looking value masked.
   */
  @Test
  void effectiveSettingsNameTheLayerOfEachValue() throws IOException {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("tidemark.lake", "s3a://bucket/lake");
    set.put("tidemark.kafka.options.\"sasl.jaas.config\"", "org.example.Login required;");

    Map<String, EffectiveSetting> byKey = new LinkedHashMap<>();
    ConfigLoader.effectiveSettings(file(), set, Map.of("TIDEMARK_CHECKPOINTS", "/cp"))
        .forEach(s -> byKey.put(s.key(), s));

    assertEquals(
        new EffectiveSetting("tidemark.lake", "s3a://bucket/lake", "--set"),
        byKey.get("tidemark.lake"));
    assertEquals(
        new EffectiveSetting("tidemark.checkpoints", "/cp", "environment"),
        byKey.get("tidemark.checkpoints"));
    assertEquals(
        new EffectiveSetting(
            KEY, "from-file:9092", dir.resolve("prod.conf").toAbsolutePath() + ": 1"),
        byKey.get(KEY));
    EffectiveSetting logStore = byKey.get("tidemark.spark.\"spark.delta.logStore.s3a.impl\"");
    assertEquals("dev.tidemark.storage.S3ConditionalPutLogStore", logStore.value());
    assertTrue(logStore.origin().startsWith("reference.conf @ "), logStore.origin());
    assertEquals(
        Secrets.REDACTED, byKey.get("tidemark.kafka.options.\"sasl.jaas.config\"").value());
  }
}
