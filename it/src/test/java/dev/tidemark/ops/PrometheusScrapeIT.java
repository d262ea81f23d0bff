package dev.tidemark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TidemarkProcess;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream in a process of its own, with the driver UI on and Spark's PrometheusServlet configured
 * as README.md shows, exports Tidemark's per-pipeline figures: a scrape of the driver's {@code
 * /metrics/prometheus} after two batches of hand-built records shows exactly what they were, and
 * the stream's status line on its standard output says the same.
 */
class PrometheusScrapeIT {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  static final String PREFIX =
      "metrics_tidemark_stream_driver_plugin_dev_tidemark_ops_TidemarkMetricsPlugin_cards_update_";

  @TempDir Path dir;
  private Process stream;

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.destroyForcibly();
    }
  }

  @Test
  void theDriverUiServesEachPipelinesFiguresToPrometheus() throws Exception {
    String topic = "prometheus-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "update");
    Path pipeline = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        pipeline,
        Files.readString(pipeline).replace("trigger = available-now", "trigger = 1 second"));
    int port = freePort();
    Files.writeString(
        conf,
        """
        tidemark.spark {
          "spark.ui.enabled" = "true"
          "spark.ui.port" = "PORT"
          "spark.metrics.conf.*.sink.prometheusServlet.class" = "org.apache.spark.metrics.sink.PrometheusServlet"
          "spark.metrics.conf.*.sink.prometheusServlet.path" = "/metrics/prometheus"
        }
        """
            .replace("PORT", Integer.toString(port)),
        StandardOpenOption.APPEND);

    // Given three good transactions up to 12:03:10 (watermark 2 minutes behind), one breaking the
    // rule amount >= 0 and one that is not JSON,
    send(
        topic,
        List.of(
            CardPipelineFiles.transaction("c-1", "1.00", T.plusSeconds(10)),
            CardPipelineFiles.transaction("c-1", "2.00", T.plusSeconds(70)),
            CardPipelineFiles.transaction("c-1", "3.00", T.plusSeconds(190)),
            CardPipelineFiles.transaction("c-2", "-5.00", T.plusSeconds(20)),
            new GeneratedEvent(
                "c-3",
                "{not json".getBytes(StandardCharsets.UTF_8),
                T.toEpochMilli(),
                null,
                GeneratedEvent.Kind.MALFORMED)));
    Path log = dir.resolve("stream.log");
    stream =
        TidemarkProcess.start(
            log,
            "stream",
            "--conf",
            conf.toString(),
            "--set",
            ConfigKeys.LAKE + "=" + dir.resolve("lake"),
            "--set",
            ConfigKeys.CHECKPOINTS + "=" + dir.resolve("lake/_checkpoints"),
            "--set",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers(),
            "--set",
            ConfigKeys.BRONZE_ENABLED + "=false",
            "--status-every",
            "1s");
    String url = "http://127.0.0.1:" + port + "/metrics/prometheus/";
    awaitMetric(url, "records_read_Count", 5, log);

    // and then one whose window (12:00-12:01) the watermark (12:01:10) has closed, and one more
    // that moves the watermark to 12:01:20,
    Instant sent = Instant.now();
    send(
        topic,
        List.of(
            CardPipelineFiles.transaction("c-4", "1.00", T.plusSeconds(5)),
            CardPipelineFiles.transaction("c-1", "4.00", T.plusSeconds(200))));
    Map<String, Double> m = awaitMetric(url, "records_read_Count", 7, log);

    // then the driver's Prometheus page shows the pipeline's figures over both batches.
    assertEquals(7.0, m.get(PREFIX + "records_read_Count"), "records read");
    assertEquals(2.0, m.get(PREFIX + "records_quarantined_Count"), "quarantined");
    assertEquals(1.0, m.get(PREFIX + "late_dropped_Count"), "late dropped");
    assertEquals(2.0, m.get(PREFIX + "batches_Count"), "batches");
    assertEquals(
        (double) T.plusSeconds(80).getEpochSecond(),
        m.get(PREFIX + "watermark_seconds_Value"),
        "watermark (epoch seconds)");
    assertEquals(0.0, m.get(PREFIX + "kafka_records_behind_Value"), "caught up");
    assertEquals(
        1.0,
        m.get(
            "metrics_tidemark_stream_driver_plugin_dev_tidemark_ops_TidemarkMetricsPlugin_pipelines_Value"),
        "pipelines");
    for (String gauge :
        List.of(
            "input_rows_per_second",
            "processed_rows_per_second",
            "event_time_lag_seconds",
            "batch_duration_ms",
            "state_rows")) {
      assertTrue(m.containsKey(PREFIX + gauge + "_Value"), gauge + " in " + m.keySet());
    }
    // The status line, printed every second, has the same figures once both batches are in.
    String status =
        "\\d\\d:\\d\\d:\\d\\d cards-update: (idle|[\\d,]+ events/s), 0 behind, watermark 2026-03-01"
            + " 12:01:20 \\(\\d+ days behind the clock\\), 1 late, 2 quarantined";
    awaitLine(log, status);
    // The lag is the second batch's start minus its watermark.
    double lag = m.get(PREFIX + "event_time_lag_seconds_Value");
    assertTrue(
        lag >= Duration.between(T.plusSeconds(80), sent).toSeconds() - 1
            && lag <= Duration.between(T.plusSeconds(80), Instant.now()).toSeconds() + 1,
        "lag " + lag);
  }

  private static void send(String topic, List<GeneratedEvent> events) {
    EventProducer.send(TestKafka.broker().bootstrapServers(), topic, events);
  }

  /** Scrapes until the named metric of the pipeline reaches the value; returns the last scrape. */
  private Map<String, Double> awaitMetric(String url, String name, double value, Path log)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    String last = "";
    while (true) {
      assertTrue(stream.isAlive(), "stream died:\n" + TidemarkProcess.output(log));
      assertTrue(
          System.nanoTime() < deadline,
          name + " never reached " + value + ":\n" + last + "\n" + TidemarkProcess.output(log));
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " " + response.body();
        // Until the SparkContext is up, the UI answers with a page saying so.
        if (response.statusCode() == 200 && response.body().startsWith("metrics_")) {
          Map<String, Double> metrics = parse(response.body());
          if (Double.valueOf(value).equals(metrics.get(PREFIX + name))) {
            return metrics;
          }
        }
      } catch (IOException notYetUp) {
        last = notYetUp.toString(); // the driver UI is not up yet
      }
      Thread.sleep(500);
    }
  }

  /** Waits up to 30 s for a line of the stream's output that matches {@code regex} whole. */
  private void awaitLine(Path log, String regex) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (TidemarkProcess.output(log).lines().noneMatch(l -> l.matches(regex))) {
      assertTrue(
          System.nanoTime() < deadline,
          "no status line matching " + regex + ":\n" + TidemarkProcess.output(log));
      Thread.sleep(500);
    }
  }

  /** Prometheus text format: {@code name{labels} value} per line, labels dropped. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, brace >= 0 ? brace : space);
      out.put(name, Double.valueOf(line.substring(space + 1)));
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
