package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The properties of every Kafka client Tidemark creates itself (the Admin client that commits
 * consumer-group offsets, the reachability probe, the event generator's producer), built from the
 * same settings as Spark's Kafka sources: the bootstrap servers, then each {@code kafka.*} option
 * of {@code tidemark.kafka.options}, then of the pipeline's {@code source.options}, without the
 * prefix. So a broker that needs SASL or SSL ({@code kafka.security.protocol}, {@code
 * kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config}, {@code kafka.ssl.truststore.location},
 * ...) is reached by every client with the same credentials as by the streams.
 */
public final class KafkaClients {
  private static final String PREFIX = "kafka.";

  private KafkaClients() {}

  /** For clients that serve every pipeline: the main configuration's options. */
  public static Map<String, Object> properties(TidemarkConfig config) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.putAll(clientOptions(config.kafkaOptions()));
    return props;
  }

  /** For a client working for one pipeline: its source options win, as they do for its streams. */
  public static Map<String, Object> properties(TidemarkConfig config, PipelineSpec spec) {
    Map<String, Object> props = properties(config);
    props.putAll(clientOptions(spec.source().options()));
    return props;
  }

  /** The {@code kafka.}-prefixed entries of spark-sql-kafka options, without the prefix. */
  public static Map<String, Object> clientOptions(Map<String, String> sparkKafkaOptions) {
    Map<String, Object> out = new LinkedHashMap<>();
    sparkKafkaOptions.forEach(
        (k, v) -> {
          if (k.startsWith(PREFIX)) {
            out.put(k.substring(PREFIX.length()), v);
          }
        });
    return out;
  }
}
