package dev.tidemark.ops;

import dev.tidemark.config.TidemarkConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Lets tests outside the package drive {@link ConsumerGroupOffsets}'s commit directly. */
public final class ConsumerGroupOffsetsAccess {
  private ConsumerGroupOffsetsAccess() {}

  public static ConsumerGroupOffsets open(TidemarkConfig config) {
    return new ConsumerGroupOffsets(config);
  }

  public static void commit(
      ConsumerGroupOffsets offsets,
      String pipeline,
      Map<TopicPartition, OffsetAndMetadata> committed)
      throws Exception {
    offsets.commit(pipeline, committed);
  }
}
