package dev.tidemark.config;

/**
 * Every configuration key Tidemark reads, in one place. Keys of the main file are relative to the
 * root; keys of a pipeline file are relative to that file.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  // Main file (conf/application.conf and the files that include it).
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
  public static final String SOURCE_FORMAT = "source.format";
  public static final String SOURCE_SCHEMA = "source.schema";
  public static final String SOURCE_EVENT_TIME = "source.event-time";
  public static final String SOURCE_WATERMARK = "source.watermark";
  public static final String SOURCE_OPTIONS = "source.options";
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
}
