package dev.tidemark.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every configuration key Tidemark reads, in one place. Keys of the main file are relative to the
 * root; keys of a pipeline file are relative to that file. {@link ConfigLoader} rejects any other
 * key (with the nearest known one), except inside the free-form maps of {@link #FREE_FORM}, and
 * reads the environment variables of {@link #ENVIRONMENT}.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  // Main file (the --conf file and the files it includes; defaults in
  // src/main/resources/reference.conf).
  public static final String ROOT = "tidemark";
  public static final String LAKE = "tidemark.lake";
  public static final String CHECKPOINTS = "tidemark.checkpoints";
  public static final String PIPELINES_DIR = "tidemark.pipelines-dir";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "tidemark.kafka.bootstrap-servers";
  public static final String KAFKA_OPTIONS = "tidemark.kafka.options";
  public static final String KAFKA_COMMIT_OFFSETS = "tidemark.kafka.commit-offsets";
  public static final String KAFKA_STARTUP_WAIT = "tidemark.kafka.startup-wait";
  public static final String BACKFILL_KAFKA_TIMESTAMP_SLACK =
      "tidemark.backfill.kafka-timestamp-slack";
  public static final String BRONZE_ENABLED = "tidemark.bronze.enabled";
  public static final String BRONZE_TRIGGER = "tidemark.bronze.trigger";
  public static final String BRONZE_OPTIONS = "tidemark.bronze.options";
  public static final String SPARK = "tidemark.spark";
  public static final String MAINTENANCE_SLOWEST_READER_LAG =
      "tidemark.maintenance.slowest-reader-lag";

  // Pipeline file (conf/pipelines/NAME.conf).
  public static final String NAME = "name";
  public static final String DESCRIPTION = "description";
  public static final String SOURCE_TOPICS = "source.topics";
  public static final String SOURCE_TOPIC_PATTERN = "source.topic-pattern";
  public static final String SOURCE_PIPELINE = "source.pipeline";
  public static final String SOURCE_FORMAT = "source.format";
  public static final String SOURCE_SCHEMA = "source.schema";
  public static final String SOURCE_AVRO_SCHEMA_FILE = "source.avro.schema-file";
  public static final String SOURCE_AVRO_WIRE_FORMAT = "source.avro.wire-format";
  public static final String SOURCE_AVRO_SCHEMAS_DIR = "source.avro.schemas-dir";
  public static final String SOURCE_EVENT_TIME = "source.event-time";
  public static final String SOURCE_WATERMARK = "source.watermark";
  public static final String SOURCE_OPTIONS = "source.options";
  public static final String SOURCE_MAX_EVENT_TIME_AHEAD = "source.max-event-time-ahead";
  public static final String QUERY_SQL_FILE = "query.sql-file";
  public static final String QUERY_WINDOW_TYPE = "query.window.type";
  public static final String QUERY_WINDOW_SIZE = "query.window.size";
  public static final String QUERY_WINDOW_SLIDE = "query.window.slide";
  public static final String QUERY_WINDOW_GAP = "query.window.gap";
  public static final String QUERY_WINDOW_START_COLUMN = "query.window.start-column";
  public static final String SINK_TABLE = "sink.table";
  public static final String SINK_PATH = "sink.path";
  public static final String SINK_PARTITION_BY = "sink.partition-by";
  public static final String SINK_KEYS = "sink.keys";
  public static final String SINK_OUTPUT_MODE = "sink.output-mode";
  public static final String SINK_TRIGGER = "sink.trigger";
  public static final String SINK_ZORDER_BY = "sink.zorder-by";
  public static final String DEMO_GENERATOR = "demo.generator";
  public static final String EXPECTATIONS = "expectations";

  /** Enrichment joins: one block per dimension table, {@code dimensions.NAME { ... }}. */
  public static final String DIMENSIONS = "dimensions";

  /** Keys of one block under {@link #DIMENSIONS}, relative to it. */
  public static final String DIMENSION_PATH = "path";

  public static final String DIMENSION_KEY = "key";
  public static final String DIMENSION_SCHEMA = "schema";

  /**
   * A CSV file, relative to the pipeline file, the table is created from when it does not exist.
   */
  public static final String DIMENSION_SEED = "seed";

  /** Every key of one dimension block. */
  public static final List<String> DIMENSION_KEYS =
      List.of(DIMENSION_PATH, DIMENSION_KEY, DIMENSION_SCHEMA, DIMENSION_SEED);

  /** The full key of {@code key} (one of {@link #DIMENSION_KEYS}) of dimension {@code name}. */
  public static String dimensionKey(String name, String key) {
    return DIMENSIONS + "." + name + "." + key;
  }

  /** Every key of the main configuration. */
  public static final List<String> MAIN_KEYS =
      List.of(
          LAKE,
          CHECKPOINTS,
          PIPELINES_DIR,
          KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_OPTIONS,
          KAFKA_COMMIT_OFFSETS,
          KAFKA_STARTUP_WAIT,
          BACKFILL_KAFKA_TIMESTAMP_SLACK,
          BRONZE_ENABLED,
          BRONZE_TRIGGER,
          BRONZE_OPTIONS,
          SPARK,
          MAINTENANCE_SLOWEST_READER_LAG);

  /** Every key of a pipeline file. */
  public static final List<String> PIPELINE_KEYS =
      List.of(
          NAME,
          DESCRIPTION,
          SOURCE_TOPICS,
          SOURCE_TOPIC_PATTERN,
          SOURCE_PIPELINE,
          SOURCE_FORMAT,
          SOURCE_SCHEMA,
          SOURCE_AVRO_SCHEMA_FILE,
          SOURCE_AVRO_WIRE_FORMAT,
          SOURCE_AVRO_SCHEMAS_DIR,
          SOURCE_EVENT_TIME,
          SOURCE_WATERMARK,
          SOURCE_OPTIONS,
          SOURCE_MAX_EVENT_TIME_AHEAD,
          QUERY_SQL_FILE,
          QUERY_WINDOW_TYPE,
          QUERY_WINDOW_SIZE,
          QUERY_WINDOW_SLIDE,
          QUERY_WINDOW_GAP,
          QUERY_WINDOW_START_COLUMN,
          SINK_TABLE,
          SINK_PATH,
          SINK_PARTITION_BY,
          SINK_KEYS,
          SINK_OUTPUT_MODE,
          SINK_TRIGGER,
          SINK_ZORDER_BY,
          DEMO_GENERATOR,
          EXPECTATIONS,
          DIMENSIONS);

  /** Keys whose value is a map of settings or rules with names of the user's choosing. */
  public static final Set<String> FREE_FORM =
      Set.of(SPARK, KAFKA_OPTIONS, BRONZE_OPTIONS, SOURCE_OPTIONS, EXPECTATIONS);

  /** A Spark setting under {@link #SPARK}, as a path expression (the setting's dots quoted). */
  public static String sparkSetting(String setting) {
    return SPARK + ".\"" + setting + "\"";
  }

  /**
   * The environment variables Tidemark reads, each setting one key (a path expression). They win
   * over the configuration file and lose to {@code -D} system properties and {@code --set}.
   */
  public static final Map<String, String> ENVIRONMENT = environment();

  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TIDEMARK_LAKE", LAKE);
    env.put("TIDEMARK_CHECKPOINTS", CHECKPOINTS);
    env.put("TIDEMARK_PIPELINES_DIR", PIPELINES_DIR);
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA_BOOTSTRAP_SERVERS);
    env.put("TIDEMARK_COMMIT_OFFSETS", KAFKA_COMMIT_OFFSETS);
    env.put("TIDEMARK_BRONZE_ENABLED", BRONZE_ENABLED);
    env.put("TIDEMARK_S3A_LOGSTORE", sparkSetting("spark.delta.logStore.s3a.impl"));
    env.put("AWS_ENDPOINT_URL", sparkSetting("spark.hadoop.fs.s3a.endpoint"));
    env.put("AWS_REGION", sparkSetting("spark.hadoop.fs.s3a.endpoint.region"));
    return java.util.Collections.unmodifiableMap(env);
  }
}
