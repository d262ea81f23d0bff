package dev.tidemark.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EmbeddedKafka;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.ops.ConsumerGroupOffsetsAccess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that admits only SASL clients (PLAIN over SASL_PLAINTEXT, credentials in a file outside
 * the configuration, referenced by {@code "kafka.sasl.jaas.config-file"}): every Kafka client
 * Tidemark creates reaches it with the configured options: the reachability probe (also with
 * options given only in the pipeline's source.options), the Admin client committing consumer-group
 * offsets, the generator's producer and Spark's Kafka source. Without the options the probe is
 * refused. The password never shows in the printed configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSecurityIT {
  private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path dir;
  private EmbeddedKafka broker;
  private String user;
  private String password;

  @BeforeAll
  void startABrokerWithASaslListener() throws Exception {
    Properties credentials = new Properties();
    try (InputStream in =
        KafkaSecurityIT.class.getResourceAsStream("/kafka-test-credentials.properties")) {
      credentials.load(in);
    }
    user = credentials.getProperty("sasl-user");
    password = credentials.getProperty("sasl-password");
    broker = EmbeddedKafka.startWithSaslPlain(user, password);
  }

  @AfterAll
  void stopBroker() {
    broker.close();
  }

  /** The card pipeline files; the JAAS line in secrets/kafka-jaas; these lines in the main file. */
  private Path conf(String topic, String mainFileLines) throws Exception {
    Path conf = CardPipelineFiles.write(dir, topic, 1000, "update");
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(
        dir.resolve("secrets/kafka-jaas"),
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";\n");
    Files.writeString(conf, mainFileLines, StandardOpenOption.APPEND);
    return conf;
  }

  private static final String SECURITY =
      """
      tidemark.kafka.options {
        "kafka.security.protocol" = SASL_PLAINTEXT
        "kafka.sasl.mechanism" = PLAIN
        "kafka.sasl.jaas.config-file" = secrets/kafka-jaas
      }
      """;

  private TidemarkConfig load(Path conf) {
    return ConfigLoader.load(
        conf,
        Map.of(
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            broker.saslBootstrapServers(),
            ConfigKeys.KAFKA_STARTUP_WAIT,
            "3 seconds",
            ConfigKeys.LAKE,
            dir.resolve("lake").toString()));
  }

  private List<GeneratedEvent> transactions(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> CardPipelineFiles.transaction("c-" + i, "1.00", START.plusSeconds(i)))
        .toList();
  }

  @Test
  void everyClientTidemarkCreatesAuthenticatesWithTheConfiguredOptions() throws Exception {
    String topic = "secured-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopics(List.of(topic), 1);
    TidemarkConfig config = load(conf(topic, SECURITY));
    PipelineSpec spec = config.pipeline("cards-update").orElseThrow();

    // The credentials came from the file, under the option's own name.
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";",
        config.kafkaOptions().get("kafka.sasl.jaas.config"));
    assertFalse(config.kafkaOptions().containsKey("kafka.sasl.jaas.config-file"));

    // The probe answers,
    KafkaReachability.await(config, spec);
    // the generator's producer sends,
    EventProducer.send(KafkaClients.properties(config, spec), topic, transactions(5));
    // Spark's Kafka source reads (its consumer gets the kafka.* options),
    assertEquals(
        5,
        KafkaRangeSource.read(
                TestSpark.session(), config, spec, START.minusSeconds(60), START.plusSeconds(60))
            .count());
    // and the Admin client commits the consumer group's offsets,
    TopicPartition partition = new TopicPartition(topic, 0);
    try (var offsets = ConsumerGroupOffsetsAccess.open(config)) {
      ConsumerGroupOffsetsAccess.commit(
          offsets, spec.name(), Map.of(partition, new OffsetAndMetadata(5)));
    }
    try (Admin plain =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      assertEquals(
          Map.of(partition, new OffsetAndMetadata(5)),
          plain
              .listConsumerGroupOffsets("tidemark-cards-update")
              .partitionsToOffsetAndMetadata()
              .get());
    }
    // while the password never prints.
    assertFalse(config.toString().contains(password), config.toString());
    assertTrue(config.toString().contains("kafka.sasl.jaas.config=[redacted]"), config.toString());
  }

  @Test
  void thePipelinesOwnSecurityOptionsReachTheProbeAndWithoutAnyItIsRefused() throws Exception {
    String topic = "secured-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf = conf(topic, "");
    Path pipeline = dir.resolve("pipelines/cards-update.conf");
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace(
                "options { maxOffsetsPerTrigger = 1000 }",
                """
                options {
                    maxOffsetsPerTrigger = 1000
                    "kafka.security.protocol" = SASL_PLAINTEXT
                    "kafka.sasl.mechanism" = PLAIN
                    "kafka.sasl.jaas.config-file" = ../secrets/kafka-jaas
                  }
                """));
    TidemarkConfig config = load(conf);
    PipelineSpec spec = config.pipeline("cards-update").orElseThrow();

    KafkaReachability.await(config, spec);

    PipelineSpec withoutOptions = spec.withSource(spec.source().withOptions(Map.of()));
    KafkaReachability.KafkaUnavailableException refused =
        assertThrows(
            KafkaReachability.KafkaUnavailableException.class,
            () -> KafkaReachability.await(config, withoutOptions));
    assertTrue(
        refused
            .getMessage()
            .startsWith("Kafka is not reachable at " + broker.saslBootstrapServers()),
        refused.getMessage());
  }

  @Test
  void aCredentialsFileThatCannotBeReadNamesTheFileAndTheOption() throws Exception {
    String topic = "secured-" + UUID.randomUUID().toString().substring(0, 8);
    Path conf = conf(topic, SECURITY.replace("secrets/kafka-jaas", "secrets/missing"));

    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(conf));

    assertEquals(
        List.of(
            new ConfigProblem(
                conf.toAbsolutePath().normalize(),
                "tidemark.kafka.options.\"kafka.sasl.jaas.config-file\"",
                "cannot read the file "
                    + dir.resolve("secrets/missing").toAbsolutePath().normalize()
                    + " (NoSuchFileException)")),
        e.problems());
  }
}
