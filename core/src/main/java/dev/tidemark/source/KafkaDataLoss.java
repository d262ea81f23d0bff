package dev.tidemark.source;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;

/**
 * Recognizes Spark's "data loss" failure of a Kafka source ({@code failOnDataLoss = true}): offsets
 * the checkpoint still has to read are gone from Kafka, because they aged out of the topic's
 * retention or were deleted. Spark reports it as the error condition {@code KAFKA_DATA_LOSS.*},
 * raised on the driver or inside a task (then only its message reaches the driver).
 *
 * @param detail what Spark says was lost (partition and offsets), or Spark's reason line
 */
public record KafkaDataLoss(String detail) {
  private static final String CONDITION = "KAFKA_DATA_LOSS";
  private static final Pattern RANGE =
      Pattern.compile(
          "Could not read records in offset \\[(\\d+), (\\d+)\\) for topic partition (\\S+)");
  private static final Pattern RESET =
      Pattern.compile("Starting offset for (\\S+) was (\\d+) but consumer reset to (\\d+)");
  private static final Pattern OLD_STYLE =
      Pattern.compile("Cannot fetch offset (\\d+).*?TopicPartition: ([^)\\s]+)");

  /** The data loss reported somewhere in {@code failure}'s cause chain, if any. */
  public static Optional<KafkaDataLoss> in(Throwable failure) {
    boolean lost = false;
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String condition = t instanceof SparkThrowable st ? st.getCondition() : null;
      String message = String.valueOf(t.getMessage());
      messages.append(message).append('\n');
      lost |=
          (condition != null && condition.startsWith(CONDITION))
              || message.contains(CONDITION)
              || message.contains("not available in Kafka any more");
      if (t.getCause() == t) {
        break;
      }
    }
    if (!lost) {
      return Optional.empty();
    }
    String text = messages.toString();
    Matcher m = RANGE.matcher(text);
    if (m.find()) {
      return Optional.of(
          new KafkaDataLoss(
              "partition "
                  + m.group(3)
                  + ": offsets ["
                  + m.group(1)
                  + ", "
                  + m.group(2)
                  + ") cannot be read"));
    }
    m = RESET.matcher(text);
    if (m.find()) {
      return Optional.of(
          new KafkaDataLoss(
              "partition "
                  + m.group(1)
                  + " should resume at offset "
                  + m.group(2)
                  + " but its earliest offset is now "
                  + m.group(3)));
    }
    m = OLD_STYLE.matcher(text);
    if (m.find()) {
      return Optional.of(
          new KafkaDataLoss("partition " + m.group(2) + " no longer has offset " + m.group(1)));
    }
    return Optional.of(new KafkaDataLoss("offsets the checkpoint still has to read are gone"));
  }

  /** A stream stopped by a data loss, with the explanation as its message. */
  public static final class StreamStopped extends RuntimeException {
    public StreamStopped(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The plain-words explanation for pipeline {@code pipeline}, with the way out. */
  public String explain(String pipeline) {
    return "pipeline "
        + pipeline
        + " stopped: Kafka no longer has records it has not processed yet ("
        + detail
        + "); they aged out of the topic's retention or were deleted. Nothing was skipped: the"
        + " stream stays at its checkpoint (failOnDataLoss = true). Recover the missing events"
        + " from the raw history: tidemark backfill --source bronze --pipeline "
        + pipeline
        + " --from T --to T over the hours they cover; then restart the stream once with --set"
        + " tidemark.kafka.options.failOnDataLoss=false to move past the gap.";
  }
}
