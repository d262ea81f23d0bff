package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for Kafka before a stream starts: asks the brokers for the cluster's description, retrying
 * with exponential backoff (1 s, 2 s, 4 s ... at most 30 s apart) for up to {@code
 * tidemark.kafka.startup-wait}, then gives up with a {@link KafkaUnavailableException} that names
 * the bootstrap servers and what to check. Without it, Spark's Kafka source would block on its
 * first offset request and fail minutes later with a bare timeout.
 */
public final class KafkaReachability {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private KafkaReachability() {}

  /**
   * Returns once a broker answers to a client with the pipeline's own Kafka options: the main
   * configuration's {@code kafka.*} options overridden by its {@code source.options}, as its
   * streams get them (see {@link KafkaClients}).
   */
  public static void await(TidemarkConfig config, PipelineSpec spec) {
    Map<String, Object> props = KafkaClients.properties(config, spec);
    probe(
        String.valueOf(props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)),
        props,
        config.kafkaStartupWait());
  }

  /**
   * Returns once a broker answers.
   *
   * @param consumerOptions spark-sql-kafka options; those prefixed {@code kafka.} (security,
   *     timeouts) are passed to the admin client without the prefix
   */
  public static void await(
      String bootstrapServers, Map<String, String> consumerOptions, Duration patience) {
    Map<String, Object> admin = new HashMap<>(KafkaClients.clientOptions(consumerOptions));
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    probe(bootstrapServers, admin, patience);
  }

  private static void probe(String bootstrapServers, Map<String, Object> admin, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    Duration backoff = FIRST_BACKOFF;
    int attempts = 0;
    String lastError;
    try (Admin client = Admin.create(admin)) {
      while (true) {
        attempts++;
        long left = Math.max(deadline - System.nanoTime(), 0);
        long timeoutMs = Math.max(Math.min(TimeUnit.NANOSECONDS.toMillis(left), 10_000), 500);
        try {
          client
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
              .nodes()
              .get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
          if (attempts > 1) {
            LOG.info("Kafka at {} answered after {} attempts", bootstrapServers, attempts);
          }
          return;
        } catch (ExecutionException | TimeoutException e) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        if (System.nanoTime() + backoff.toNanos() > deadline) {
          throw new KafkaUnavailableException(bootstrapServers, patience, attempts, lastError);
        }
        LOG.warn(
            "Kafka at {} is not reachable (attempt {}: {}); retrying in {} s",
            bootstrapServers,
            attempts,
            lastError,
            backoff.toSeconds());
        Thread.sleep(backoff.toMillis());
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(bootstrapServers, patience, attempts, "interrupted");
    }
  }

  /** No broker answered within the configured wait. */
  public static final class KafkaUnavailableException extends RuntimeException {
    KafkaUnavailableException(
        String bootstrapServers, Duration waited, int attempts, String lastError) {
      super(
          "Kafka is not reachable at "
              + bootstrapServers
              + " (no broker answered in "
              + waited.toSeconds()
              + " s, "
              + attempts
              + " attempts; last error: "
              + lastError
              + "). Check that tidemark.kafka.bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) names"
              + " your brokers, that they are running, and that this host can reach them (DNS,"
              + " firewall, the advertised listeners, security settings under"
              + " tidemark.kafka.options). Nothing was read or written; rerun when Kafka is up,"
              + " or wait longer with --set tidemark.kafka.startup-wait='5 minutes'.");
    }
  }
}
