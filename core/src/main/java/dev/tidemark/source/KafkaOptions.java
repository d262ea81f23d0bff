package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.KafkaMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spark-sql-kafka options for one pipeline, in one order of precedence: Tidemark's own
 * (bootstrap servers, topics: {@code subscribe}, or {@code subscribePattern} for a topic pattern),
 * then {@code tidemark.kafka.options}, then the pipeline's {@code source.options}; {@code
 * includeHeaders} last, for a pipeline whose SQL uses the Kafka metadata ({@link KafkaMetadata}),
 * and only for it.
 */
final class KafkaOptions {
  private KafkaOptions() {}

  static Map<String, String> of(TidemarkConfig config, PipelineSpec spec) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", config.bootstrapServers());
    if (spec.source().hasPattern()) {
      options.put("subscribePattern", spec.source().topicPattern());
    } else {
      options.put("subscribe", String.join(",", spec.source().topics()));
    }
    options.putAll(config.kafkaOptions());
    options.putAll(spec.source().options());
    if (KafkaMetadata.usedBy(spec)) {
      options.put("includeHeaders", "true");
    }
    return options;
  }

  /**
   * Options for the bronze ingest of one topic: Tidemark's own, {@code tidemark.kafka.options},
   * then {@code tidemark.bronze.options}; headers included.
   */
  static Map<String, String> ofTopic(TidemarkConfig config, String topic) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", config.bootstrapServers());
    options.put("subscribe", topic);
    options.putAll(config.kafkaOptions());
    options.putAll(config.bronze().options());
    options.put("includeHeaders", "true");
    return options;
  }
}
