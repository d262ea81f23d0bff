package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.InProcessCli;
import dev.tidemark.InProcessCli.Result;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.cli.TidemarkCli;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EmbeddedKafka;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import dev.tidemark.source.KafkaReachability;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka misbehaving under a stream: down at start, gone for a while mid-run, or no longer holding
 * records the stream has not read. The stream never skips data: it waits and resumes, or stops with
 * a message that says what happened and what to do.
 */
class KafkaFaultsIT {
  static final Instant START = Instant.parse("2026-09-09T09:00:00Z");

  @TempDir Path dir;

  static Result cli(String... args) {
    return InProcessCli.run(args);
  }

  @Test
  void aStreamStartedWhileKafkaIsDownRetriesThenStopsNamingTheBrokersAndWhatToCheck()
      throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    long started = System.nanoTime();

    Result r =
        cli(
            "stream",
            "--conf",
            TestSpark.projectDir().resolve("conf/local.conf").toString(),
            "--pipeline",
            "page-analytics",
            "--available-now",
            "--set",
            ConfigKeys.LAKE + "=" + dir.resolve("lake"),
            "--set",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=127.0.0.1:" + closedPort,
            "--set",
            ConfigKeys.KAFKA_STARTUP_WAIT + "=4 seconds");

    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("Kafka is not reachable at 127.0.0.1:" + closedPort), r.err());
    assertTrue(
        r.err().contains("KAFKA_BOOTSTRAP_SERVERS") && r.err().contains("attempts"), r.err());
    assertTrue(seconds >= 3 && seconds < 60, "waited about the startup wait: " + seconds + " s");
    assertEquals(0, TestSpark.session().streams().active().length, "no query started");
  }

  @Test
  void aBrokerThatGoesAwayMidRunAndComesBackLosesNothing() throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      TidemarkConfig config = TestLake.fresh("kafka-outage", broker);
      PipelineSpec spec =
          TestLake.ownTopic(config.pipeline("page-analytics").orElseThrow(), 500, broker);
      String topic = spec.source().topics().get(0);
      EventProducer.send(broker.bootstrapServers(), topic, pageViews(START, 300, 1));
      RunningPipeline running =
          new StreamRunner(TestSpark.session(), config)
              .start(spec, TriggerSpec.every(Duration.ofSeconds(1)));
      try {
        awaitViews(config, spec, 300, running);

        broker.stop();
        assertThrows(
            KafkaReachability.KafkaUnavailableException.class,
            () ->
                KafkaReachability.await(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(2)),
            "Kafka is really gone");
        Thread.sleep(6000); // the stream asks for new offsets every second and gets no answer
        broker.restart();
        EventProducer.send(
            broker.bootstrapServers(), topic, pageViews(START.plusSeconds(1800), 300, 2));

        awaitViews(config, spec, 600, running);
        for (StreamingQuery q : running.queries()) {
          assertTrue(q.isActive() && q.exception().isEmpty(), "the stream rode out the outage");
        }
      } finally {
        running.stop();
      }
    }
  }

  @Test
  void offsetsThatAgedOutOfKafkaStopTheStreamWithAPointerToABronzeBackfill() throws Exception {
    String topic = "aged-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 2);
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "update");
    String[] stream = {
      "stream",
      "--conf",
      conf.toString(),
      "--available-now",
      "--set",
      ConfigKeys.LAKE + "=" + dir.resolve("lake"),
      "--set",
      ConfigKeys.KAFKA_BOOTSTRAP_SERVERS + "=" + TestKafka.broker().bootstrapServers()
    };
    String servers = TestKafka.broker().bootstrapServers();
    EventProducer.send(servers, topic, cardTransactions(START, 100, 3));
    Result first = cli(stream);
    assertEquals(0, first.exitCode(), first.err());

    // Given records the stream has not read yet, then deleted as retention would.
    EventProducer.send(servers, topic, cardTransactions(START.plusSeconds(1800), 100, 4));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach(
              (tp, info) ->
                  delete.put(tp, RecordsToDelete.beforeOffset(Math.max(info.offset() - 5, 0))));
      admin.deleteRecords(delete).all().get();
    }

    Result second = cli(stream);

    assertEquals(TidemarkCli.DATA_LOST, second.exitCode(), second.err());
    String err = second.err();
    assertTrue(err.contains("pipeline cards-update stopped"), err);
    assertTrue(err.contains("Kafka no longer has records it has not processed yet"), err);
    assertTrue(err.contains("partition " + topic + "-"), err);
    assertTrue(err.contains("tidemark backfill --source bronze --pipeline cards-update"), err);
    assertTrue(err.contains("Nothing was skipped"), err);
    assertTrue(!err.contains("\tat "), "no stack trace: " + err);
  }

  private static List<dev.tidemark.local.GeneratedEvent> pageViews(
      Instant from, int count, long seed) {
    return SampleEvents.generate(
        "page-views",
        new GeneratorSettings(
            from,
            Duration.ofMinutes(10),
            count,
            seed,
            Duration.ofSeconds(10),
            0,
            Duration.ZERO,
            0));
  }

  private static List<dev.tidemark.local.GeneratedEvent> cardTransactions(
      Instant from, int count, long seed) {
    return SampleEvents.generate(
        "card-transactions",
        new GeneratorSettings(
            from,
            Duration.ofMinutes(10),
            count,
            seed,
            Duration.ofSeconds(10),
            0,
            Duration.ZERO,
            0));
  }

  private static void awaitViews(
      TidemarkConfig config, PipelineSpec spec, long expected, RunningPipeline running)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    long views = -1;
    while (System.nanoTime() < deadline) {
      for (StreamingQuery q : running.queries()) {
        assertTrue(q.exception().isEmpty(), () -> "query failed: " + q.exception().get());
      }
      Object sum =
          TestSpark.table(config.tablePath(spec)).agg(functions.sum("views")).first().get(0);
      views = sum == null ? 0 : ((Number) sum).longValue();
      if (views == expected) {
        return;
      }
      assertTrue(views < expected, "more views than events sent: " + views);
      Thread.sleep(1000);
    }
    throw new AssertionError("views " + views + ", expected " + expected);
  }
}
