package dev.tidemark.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one), in this JVM, on free
 * loopback ports. For the demo and the tests; never part of the cluster jar.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final Properties props;
  private KafkaRaftServer server;
  private boolean running;
  private final String bootstrapServers;
  private final String saslBootstrapServers;

  private EmbeddedKafka(Path dataDir, boolean deleteOnClose) throws IOException {
    this(dataDir, deleteOnClose, null, null);
  }

  /**
   * A broker; with a {@code user}, also a SASL_PLAINTEXT listener that admits only that user with
   * that password (mechanism PLAIN), for tests of clients' security settings.
   */
  private EmbeddedKafka(Path dataDir, boolean deleteOnClose, String user, String password)
      throws IOException {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    int brokerPort = freePort();
    int controllerPort = freePort();
    int saslPort = user == null ? -1 : freePort();
    String sasl = user == null ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort + sasl);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl);
    props.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
            + (user == null ? "" : ",SASL_PLAINTEXT:SASL_PLAINTEXT"));
    if (user != null) {
      props.put("sasl.enabled.mechanisms", "PLAIN");
      props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
      props.put(
          "listener.name.sasl_plaintext.plain.sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
              + user
              + "=\""
              + password
              + "\";");
    }
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dataDir.resolve("logs").toString());
    props.put("num.partitions", "2");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "true");
    props.put("log.retention.hours", "-1");
    // Sample events carry historical timestamps; keep them as sent (CreateTime, no bound).
    props.put("log.message.timestamp.type", "CreateTime");
    props.put("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
    props.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
    props.put("message.max.bytes", Integer.toString(2 * 1024 * 1024));
    format(props);
    this.props = props;
    restart();
    this.bootstrapServers = "127.0.0.1:" + brokerPort;
    this.saslBootstrapServers = user == null ? null : "127.0.0.1:" + saslPort;
    LOG.info("embedded Kafka (KRaft) listening on {}, data in {}", bootstrapServers, dataDir);
  }

  /** Starts a broker whose data lives in a fresh temporary folder, deleted on close. */
  public static EmbeddedKafka start() throws IOException {
    return new EmbeddedKafka(Files.createTempDirectory("tidemark-kafka-"), true);
  }

  /**
   * A broker that also listens for SASL_PLAINTEXT clients (mechanism PLAIN) authenticating as
   * {@code user} with {@code password}, on {@link #saslBootstrapServers()}.
   */
  public static EmbeddedKafka startWithSaslPlain(String user, String password) throws IOException {
    return new EmbeddedKafka(Files.createTempDirectory("tidemark-kafka-"), true, user, password);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The SASL_PLAINTEXT listener, or null when the broker has none. */
  public String saslBootstrapServers() {
    return saslBootstrapServers;
  }

  /** Creates topics (no-op for topics that exist). */
  public void createTopics(List<String> topics, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (String topic : topics) {
        try {
          admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic, e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Shuts the broker down and keeps its data: clients see Kafka go away until {@link #restart()}.
   */
  public synchronized void stop() {
    if (running) {
      server.shutdown();
      server.awaitShutdown();
      running = false;
    }
  }

  /** Starts the broker again on the same ports and data (or for the first time). */
  public synchronized void restart() {
    if (!running) {
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      running = true;
    }
  }

  @Override
  public void close() {
    stop();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private void format(Properties props) throws IOException {
    Path propsFile = dataDir.resolve("server.properties");
    try (var out = Files.newOutputStream(propsFile)) {
      props.store(out, "embedded Kafka");
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                propsFile.toString(),
                "--ignore-formatted"
              },
              ps);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "kafka storage format failed: " + log.toString(StandardCharsets.UTF_8));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
