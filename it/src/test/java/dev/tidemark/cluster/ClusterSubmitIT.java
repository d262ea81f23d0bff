package dev.tidemark.cluster;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.StreamRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged cluster jar, submitted with scripts/submit to a real Spark standalone cluster
 * (master and worker in their own JVMs, executors and drivers launched by the worker), in cluster
 * deploy mode streams a sample pipeline until caught up (with no Tidemark configuration file at
 * all: the defaults inside the jar and {@code --set}) and backfills it; the tables equal a
 * local-mode run of the same data. A bad pipeline's exit code 2 reaches spark-submit in client
 * mode; in cluster mode it is read from the master (driver FAILED) and the driver's stderr. {@code
 * validate --show-config}, submitted the same way, shows the defaults come from the jar's
 * reference.conf, the conditional-put LogStore for s3a among them.
 */
class ClusterSubmitIT {
  static final String PIPELINE = "page-analytics";
  static final Instant START = Instant.parse("2026-02-02T10:00:00Z");
  static final Duration SPAN = Duration.ofMinutes(30);

  @Test
  void packagedJarStreamsAndBackfillsOnAStandaloneClusterWithParityToLocalMode() throws Exception {
    Path project = TestSpark.projectDir();
    Path runDir = project.resolve("target/cluster-it-" + System.currentTimeMillis());
    TidemarkConfig local = TestLake.fresh("cluster-local");
    PipelineSpec spec = local.pipeline(PIPELINE).orElseThrow();
    String topic = spec.source().topics().get(0);
    TestKafka.broker().createTopics(List.of(topic), 2);
    List<GeneratedEvent> events =
        SampleEvents.generate(
            spec.generator(), GeneratorSettings.of(START, SPAN, 2000, 11).onTimeOnly());
    EventProducer.send(local.bootstrapServers(), topic, events);
    String clusterLake = runDir.resolve("lake").toString();
    String backfillLake = runDir.resolve("backfill-lake").toString();
    WindowRange all =
        WindowRange.covering(
            START.minus(spec.window().size()),
            START.plus(SPAN).plus(spec.window().size()),
            spec.window());

    try (SparkStandaloneCluster cluster =
        SparkStandaloneCluster.start(project, runDir.resolve("cluster"))) {
      // Cluster deploy mode: the driver runs on the worker. spark-submit's exit code says only
      // that the driver ended, so the driver's state is read from the master.
      // With no Tidemark configuration file at all: the defaults inside the jar, and --set for
      // what differs per deployment (lake, brokers, pipelines).
      Submitted stream =
          submit(
              cluster,
              CLUSTER_MODE,
              runDir.resolve("stream.log"),
              withoutConfFile(
                  project,
                  "stream",
                  "--pipeline",
                  PIPELINE,
                  "--available-now",
                  "--set",
                  "tidemark.lake=" + clusterLake));
      assertEquals(0, stream.exitCode(), stream.output());
      assertEquals("FINISHED", driverState(cluster, stream), stream.output());
      Submitted backfill =
          submit(
              cluster,
              CLUSTER_MODE,
              runDir.resolve("backfill.log"),
              withLocalConf(
                  project,
                  "backfill",
                  "--pipeline",
                  PIPELINE,
                  "--from",
                  all.from().toString(),
                  "--to",
                  all.to().toString(),
                  "--set",
                  "tidemark.lake=" + backfillLake));
      assertEquals(0, backfill.exitCode(), backfill.output());
      assertEquals("FINISHED", driverState(cluster, backfill), backfill.output());
      try (Stream<Path> apps = Files.list(cluster.workDir())) {
        assertEquals(
            2,
            apps.filter(p -> p.getFileName().toString().startsWith("app-")).count(),
            "both jobs ran executors on the worker");
      }

      // A bad pipeline: in client deploy mode its exit code 2 reaches the submitting process;
      Path broken = runDir.resolve("broken-pipelines");
      Files.createDirectories(broken);
      Files.writeString(broken.resolve("broken.conf"), "name = broken\n");
      List<String> bad =
          withLocalConf(
              project, "stream", "--available-now", "--set", "tidemark.pipelines-dir=" + broken);
      Submitted client = submit(cluster, List.of(), runDir.resolve("bad-client.log"), bad);
      assertEquals(2, client.exitCode(), client.output());
      // in cluster deploy mode spark-submit exits 0 all the same: the master records the driver as
      // FAILED, and the driver's stderr on the worker ends with the exit code (docs/cluster.md).
      Submitted onWorker = submit(cluster, CLUSTER_MODE, runDir.resolve("bad-cluster.log"), bad);
      assertEquals(0, onWorker.exitCode(), onWorker.output());
      assertEquals("FAILED", driverState(cluster, onWorker), onWorker.output());
      List<String> stderr =
          Files.readAllLines(cluster.workDir().resolve(onWorker.driverId()).resolve("stderr"));
      assertEquals("tidemark: exit code 2", stderr.get(stderr.size() - 1), stderr.toString());

      // What the stream above ran with: the defaults inside the cluster jar, the s3a LogStore
      // among them, as `validate --show-config` prints them when no configuration file is given.
      Submitted shown =
          submit(
              cluster,
              List.of(),
              runDir.resolve("show-config.log"),
              withoutConfFile(project, "validate", "--show-config"));
      assertEquals(0, shown.exitCode(), shown.output());
      String effective = Files.readString(runDir.resolve("show-config.log"));
      assertTrue(
          effective.contains("# highest first: --set, -D, environment, no configuration file,"),
          effective);
      Matcher logStore =
          Pattern.compile(
                  "(?m)^tidemark\\.spark\\.\"spark\\.delta\\.logStore\\.s3a\\.impl\" ="
                      + " dev\\.tidemark\\.storage\\.S3ConditionalPutLogStore    # reference\\.conf @"
                      + " jar:file:\\S+-cluster\\.jar!/reference\\.conf: \\d+$")
              .matcher(effective);
      assertTrue(logStore.find(), effective);
    }

    new StreamRunner(TestSpark.session(), local)
        .start(spec, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    TidemarkConfig onCluster =
        ConfigLoader.load(
            project.resolve("conf/local.conf"), java.util.Map.of("tidemark.lake", clusterLake));
    TidemarkConfig backfilled =
        ConfigLoader.load(
            project.resolve("conf/local.conf"), java.util.Map.of("tidemark.lake", backfillLake));

    List<String> localRows = rows(table(local.tablePath(spec)));
    assertFalse(localRows.isEmpty());
    assertEquals(
        localRows, rows(table(onCluster.tablePath(spec))), "cluster stream = local stream");
    assertEquals(
        localRows, rows(table(backfilled.tablePath(spec))), "cluster backfill = local stream");
  }

  /** Options of cluster deploy mode: the driver on the worker, spark-submit waiting for it. */
  static final List<String> CLUSTER_MODE =
      List.of(
          "--deploy-mode",
          "cluster",
          "--conf",
          "spark.driver.memory=1500m",
          "--conf",
          "spark.standalone.submit.waitAppCompletion=true");

  /**
   * JVM flags of the test's drivers and executors, which live a minute or two on small data: the C1
   * compiler only and the serial collector cost about half the CPU of the defaults there (see
   * TidemarkProcess). Not a production setting.
   */
  static final String SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  /** A finished spark-submit: its exit code, output, and the driver it submitted (cluster mode). */
  record Submitted(int exitCode, String output, String driverId) {}

  /**
   * Runs scripts/submit as a user would, from the run's folder: spark-submit options (the test
   * cluster's, then {@code mode}), {@code --}, the tidemark command.
   */
  private static Submitted submit(
      SparkStandaloneCluster cluster, List<String> mode, Path log, List<String> tidemarkArgs)
      throws Exception {
    Path project = TestSpark.projectDir();
    List<String> command =
        new ArrayList<>(
            List.of(
                project.resolve("scripts/submit").toString(),
                "--master",
                cluster.masterUrl(),
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                "spark.databricks.delta.snapshotPartitions=2",
                // As in every test JVM (D44): less CPU, the same rows.
                "--conf",
                "spark.sql.codegen.factoryMode=NO_CODEGEN",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.extraJavaOptions=" + SHORT_LIVED_JVM,
                "--conf",
                "spark.executor.extraJavaOptions=" + SHORT_LIVED_JVM));
    command.addAll(mode);
    command.add("--");
    command.addAll(tidemarkArgs);
    // Not the checkout: a command without --conf there would read conf/local.conf.
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(log.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    // spark-submit's own JVM (the driver in client deploy mode).
    pb.environment().put("TIDEMARK_DRIVER_OPTS", "-Xmx1g " + SHORT_LIVED_JVM);
    Process p = pb.start();
    assertTrue(p.waitFor(6, TimeUnit.MINUTES), "submit finished in time; see " + log);
    String output = tail(log);
    Matcher driver = DRIVER_ID.matcher(Files.readString(log));
    return new Submitted(p.exitValue(), output, driver.find() ? driver.group() : null);
  }

  /** A tidemark command with the shipped conf/local.conf and the test broker. */
  private static List<String> withLocalConf(Path project, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(
        List.of(
            "--conf",
            project.resolve("conf/local.conf").toString(),
            "--set",
            "tidemark.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers()));
    return command;
  }

  /**
   * A tidemark command with no configuration file: the test broker and the shipped pipelines by
   * --set, everything else from the defaults inside the jar.
   */
  private static List<String> withoutConfFile(Path project, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(
        List.of(
            "--set",
            "tidemark.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers(),
            "--set",
            "tidemark.pipelines-dir=" + project.resolve("conf/pipelines")));
    return command;
  }

  static final Pattern DRIVER_ID = Pattern.compile("driver-\\d{14}-\\d{4}");

  /** The state the master's JSON API gives the submitted driver (FINISHED, FAILED, ...). */
  private static String driverState(SparkStandaloneCluster cluster, Submitted submitted)
      throws Exception {
    assertNotNull(submitted.driverId(), "no driver id in:\n" + submitted.output());
    String json =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(cluster.masterUiUrl() + "/json/")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (JsonNode d : new ObjectMapper().readTree(json).get("completeddrivers")) {
      if (d.get("id").asText().equals(submitted.driverId())) {
        return d.get("state").asText();
      }
    }
    throw new AssertionError(submitted.driverId() + " is not a completed driver: " + json);
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
