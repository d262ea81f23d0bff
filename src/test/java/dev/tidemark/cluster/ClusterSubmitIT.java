package dev.tidemark.cluster;

import static dev.tidemark.TestSpark.rows;
import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged cluster jar, submitted with scripts/submit to a real Spark standalone cluster
 * (master and worker in their own JVMs, executors launched by the worker), streams a sample
 * pipeline until caught up and backfills it; the tables equal a local-mode run of the same data.
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
      submit(
          cluster,
          runDir.resolve("stream.log"),
          "stream",
          "--pipeline",
          PIPELINE,
          "--available-now",
          "--set",
          "tidemark.lake=" + clusterLake);
      submit(
          cluster,
          runDir.resolve("backfill.log"),
          "backfill",
          "--pipeline",
          PIPELINE,
          "--from",
          all.from().toString(),
          "--to",
          all.to().toString(),
          "--set",
          "tidemark.lake=" + backfillLake);
      try (Stream<Path> apps = Files.list(cluster.workDir())) {
        assertEquals(
            2,
            apps.filter(p -> p.getFileName().toString().startsWith("app-")).count(),
            "both jobs ran executors on the worker");
      }
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

  private static void submit(SparkStandaloneCluster cluster, Path log, String... tidemarkArgs)
      throws Exception {
    Path project = TestSpark.projectDir();
    List<String> command =
        new ArrayList<>(
            List.of(
                project.resolve("scripts/submit").toString(),
                "--master",
                cluster.masterUrl(),
                "--conf-file",
                project.resolve("conf/local.conf").toString(),
                "--spark-conf",
                "spark.cores.max=2",
                "--spark-conf",
                "spark.executor.memory=1g",
                "--spark-conf",
                "spark.sql.shuffle.partitions=2",
                "--spark-conf",
                "spark.driver.host=127.0.0.1",
                "--"));
    command.addAll(List.of(tidemarkArgs));
    command.addAll(
        List.of(
            "--set", "tidemark.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers()));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(6, TimeUnit.MINUTES), "submit finished in time; see " + log);
    assertEquals(0, p.exitValue(), "submit " + tidemarkArgs[0] + " failed:\n" + tail(log));
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
