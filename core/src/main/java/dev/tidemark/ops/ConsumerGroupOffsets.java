package dev.tidemark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.source.KafkaClients;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each finished micro-batch's Kafka end offsets to a consumer group named {@code
 * tidemark-PIPELINE}, so the usual lag tools (kafka-consumer-groups, Burrow, exporters) see how far
 * a pipeline is behind. For monitoring only: Spark never reads these offsets; the checkpoint stays
 * the source of truth. Only the result ({@code gold}) query commits. Enabled by {@code
 * tidemark.kafka.commit-offsets = true}.
 */
public final class ConsumerGroupOffsets extends StreamingQueryListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupOffsets.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Admin admin;

  /** An Admin client with the configuration's Kafka options (security included). */
  public ConsumerGroupOffsets(TidemarkConfig config) {
    this.admin = Admin.create(KafkaClients.properties(config));
  }

  /** The consumer group a pipeline's offsets are committed to. */
  public static String group(String pipeline) {
    return "tidemark-" + pipeline;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    BatchMetrics m = BatchMetrics.of(event.progress());
    if (!"gold".equals(m.query())) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (SourceProgress source : event.progress().sources()) {
      offsets.putAll(parse(source.endOffset()));
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      commit(m.pipeline(), offsets);
    } catch (Exception e) {
      LOG.warn(
          "cannot commit offsets of {} to group {}: {}",
          m.pipeline(),
          group(m.pipeline()),
          e.toString());
    }
  }

  /** Commits {@code offsets} to the pipeline's consumer group. */
  void commit(String pipeline, Map<TopicPartition, OffsetAndMetadata> offsets) throws Exception {
    admin.alterConsumerGroupOffsets(group(pipeline), offsets).all().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  static Map<TopicPartition, OffsetAndMetadata> parse(String endOffset) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    if (endOffset == null || !endOffset.startsWith("{")) {
      return out;
    }
    try {
      JsonNode root = JSON.readTree(endOffset);
      for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = topics.next();
        for (Iterator<Map.Entry<String, JsonNode>> parts = topic.getValue().fields();
            parts.hasNext(); ) {
          Map.Entry<String, JsonNode> p = parts.next();
          out.put(
              new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())),
              new OffsetAndMetadata(p.getValue().asLong()));
        }
      }
    } catch (Exception e) {
      LOG.debug("not a Kafka offset map: {}", endOffset);
    }
    return out;
  }

  @Override
  public void close() {
    admin.close();
  }
}
