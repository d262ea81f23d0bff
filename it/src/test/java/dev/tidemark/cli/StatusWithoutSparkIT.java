package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.BatchMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, item 6: {@code tidemark status} reads the lake with Delta Kernel and starts no Spark.
 * The CLI in a JVM of its own prints the figures of a lake written here by hand (result,
 * quarantine, bronze and metrics tables) and never builds a session: no session builder, no
 * SparkConf, no task scheduler, no delta-spark log, and not even Spark's SQL parser (status loads
 * the configuration without parsing the pipelines' schema and SQL, D41); with the lake on a local
 * disk and on an S3 server (S3Proxy).
 */
class StatusWithoutSparkIT {
  static final String PIPELINE = "cards-update";

  /** Classes a JVM loads once it builds a SparkSession or parses SQL (and not before). */
  static final List<String> SESSION_CLASSES =
      List.of(
          "org.apache.spark.sql.SparkSession$Builder",
          "org.apache.spark.sql.classic.SparkSession",
          "org.apache.spark.SparkConf",
          "org.apache.spark.scheduler.TaskSchedulerImpl",
          "org.apache.spark.sql.delta.DeltaLog",
          // Spark's SQL parser, which parsing a pipeline's schema or SQL starts (D41).
          "org.apache.spark.sql.catalyst.parser.AbstractParser",
          "org.apache.spark.sql.internal.SQLConf");

  @ParameterizedTest(name = "lake on {0}")
  @ValueSource(strings = {"local disk", "s3a"})
  void statusPrintsTheLakesFiguresWithoutStartingSpark(String store) throws Exception {
    boolean s3 = store.equals("s3a");
    SparkSession spark = TestSpark.session();
    if (s3) {
      TestS3.configure(spark.sparkContext().hadoopConfiguration());
    }
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = TestSpark.projectDir().resolve("target/test-lakes/" + topic);
    Path conf =
        CardPipelineFiles.write(
            dir, s3 ? "conf/s3-local.conf" : "conf/local.conf", topic, 100, "update");
    String lake = s3 ? TestS3.freshPrefix(topic) : dir.resolve("lake").toString();
    Map<String, String> overrides =
        Map.of(
            ConfigKeys.LAKE,
            lake,
            ConfigKeys.CHECKPOINTS,
            lake + "/_checkpoints",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            "127.0.0.1:9");
    TidemarkConfig config = ConfigLoader.load(conf, overrides);
    PipelineSpec spec = config.pipeline(PIPELINE).orElseThrow();

    // Given a result table of two appends (3 files, 15 rows), 3 quarantined records, a bronze
    // table of 7 records,
    append(spark.range(0, 10).selectExpr("id", "concat('c', id) AS card_id"), 2, spec, config);
    append(spark.range(10, 15).selectExpr("id", "concat('c', id) AS card_id"), 1, spec, config);
    save(spark.range(3).selectExpr("CAST(id AS STRING) AS raw"), config.quarantinePath(spec));
    save(spark.range(7).selectExpr("id AS offset"), config.bronzePath(topic));
    // and seven gold batches a minute apart, ending three hours ahead of the clock, whose state
    // doubles each batch, one late event each, the last one idle; another pipeline's and another
    // query's batches after them; two bronze ingest batches,
    Instant last = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
    List<BatchMetrics> batches = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batches.add(
          batch(
              PIPELINE,
              "gold",
              i,
              last.minus(Duration.ofMinutes(6 - i)),
              i == 6 ? 0 : 100,
              100.0 * (i + 1),
              1L << i,
              i == 6 ? 0L : 5L));
    }
    batches.add(batch("other", "gold", 99, last.plusSeconds(60), 5, 9999, 1, 9L));
    batches.add(batch(PIPELINE, "quarantine", 99, last.plusSeconds(60), 5, 9999, 1, 9L));
    batches.add(batch("bronze:" + topic, "bronze", 0, last.minusSeconds(600), 4, 40, 0, 4L));
    batches.add(batch("bronze:" + topic, "bronze", 1, last.minusSeconds(300), 3, 30, 0, 3L));
    recordMetrics(spark, batches.subList(0, 4), config);
    recordMetrics(spark, batches.subList(4, batches.size()), config);

    // when status runs in a JVM of its own that logs every class it loads,
    Path classes = dir.resolve("classes-loaded.log");
    Path log = dir.resolve("status.log");
    Map<String, String> environment = new HashMap<>(s3 ? TestS3.childEnvironment() : Map.of());
    environment.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
    List<String> args =
        new ArrayList<>(List.of("status", "--json", "-p", PIPELINE, "--conf", conf.toString()));
    overrides.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    Process status = TidemarkProcess.start(log, environment, args.toArray(String[]::new));
    try {
      assertTrue(status.waitFor(3, TimeUnit.MINUTES), "status ends");
    } finally {
      status.destroyForcibly();
    }
    String output = TidemarkProcess.output(log);
    assertEquals(0, status.exitValue(), output);

    // then it prints the lake's figures,
    // (after the JVM's own lines on standard error: the JSON starts the first line opening with [)
    JsonNode s = new ObjectMapper().readTree(output.substring(output.indexOf("\n[") + 1)).get(0);
    Row gold = detail(spark, config.tablePath(spec));
    assertEquals(1, s.get("table_version").asLong(), output);
    assertEquals(3, s.get("files").asLong(), output);
    assertEquals(gold.getLong(gold.fieldIndex("sizeInBytes")), s.get("size_bytes").asLong());
    assertEquals(3, gold.getLong(gold.fieldIndex("numFiles")));
    assertEquals(7, s.get("batches").asLong(), output);
    assertEquals(last.toString(), s.get("last_batch_time").asText());
    assertEquals(600.0, s.get("rows_per_second").asDouble(), "the newest batch that read rows");
    assertEquals(last.minus(Duration.ofMinutes(2)).toString(), s.get("watermark").asText());
    assertEquals(120.0, s.get("lag_seconds").asDouble());
    assertEquals(0, s.get("kafka_offsets_behind").asLong());
    assertEquals(64, s.get("state_rows").asLong());
    assertEquals(3, s.get("quarantined").asLong());
    assertEquals(7, s.get("late_dropped").asLong());
    JsonNode bronze = s.get("bronze").get(0);
    Row bronzeDetail = detail(spark, config.bronzePath(topic));
    assertEquals(topic, bronze.get("topic").asText());
    assertEquals(7, bronze.get("records").asLong(), bronze.toString());
    assertEquals(0, bronze.get("table_version").asLong());
    assertEquals(
        bronzeDetail.getLong(bronzeDetail.fieldIndex("sizeInBytes")),
        bronze.get("size_bytes").asLong());
    assertEquals(last.minusSeconds(300).toString(), bronze.get("last_batch_time").asText());
    assertEquals(3, bronze.get("kafka_offsets_behind").asLong());
    // with both warnings,
    JsonNode warnings = s.get("warnings");
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).asText().startsWith("watermark " + last.minus(Duration.ofMinutes(2)))
            && warnings.get(0).asText().contains("ahead of the clock"),
        warnings.toString());
    assertEquals(
        "state keeps growing over the last 6 batches (2 -> 64 rows): check that the watermark"
            + " advances and the SQL groups by an event-time window",
        warnings.get(1).asText());
    // and never builds a Spark session.
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains(" io.delta.kernel.Table source:"), "every class is logged");
    for (String c : SESSION_CLASSES) {
      assertFalse(loaded.contains(" " + c + " source:"), c + " was loaded");
    }
  }

  private static BatchMetrics batch(
      String pipeline,
      String query,
      long id,
      Instant time,
      long input,
      double rate,
      long state,
      Long behind) {
    return new BatchMetrics(
        pipeline,
        query,
        "query-id",
        id,
        time,
        input,
        rate,
        rate,
        1000,
        800,
        10,
        time.minus(Duration.ofMinutes(2)),
        120.0,
        state,
        1024,
        1,
        input,
        input,
        0L,
        behind);
  }

  /** Appends the batches to the metrics table, as the metrics recorder does. */
  private static void recordMetrics(
      SparkSession spark, List<BatchMetrics> batches, TidemarkConfig config) {
    spark
        .createDataFrame(batches.stream().map(BatchMetrics::toRow).toList(), BatchMetrics.SCHEMA)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .partitionBy("date")
        .save(config.metricsPath());
  }

  private static void append(
      Dataset<Row> rows, int files, PipelineSpec spec, TidemarkConfig config) {
    rows.repartition(files)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(config.tablePath(spec));
  }

  private static void save(Dataset<Row> rows, String path) {
    rows.repartition(1).write().format("delta").save(path);
  }

  private static Row detail(SparkSession spark, String path) {
    return spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
  }
}
