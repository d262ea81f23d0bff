package dev.tidemark.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.spark.SparkThrowable;
import org.junit.jupiter.api.Test;

/** Which failures are a Kafka data loss, and what the explanation says was lost. */
class KafkaDataLossTest {
  /** A failure of the streaming query wrapping {@code cause}, as the driver sees a task's. */
  private static Throwable queryFailed(Throwable cause) {
    return new RuntimeException("Query card-velocity-gold terminated with exception", cause);
  }

  private static Optional<String> detail(Throwable failure) {
    return KafkaDataLoss.in(failure).map(KafkaDataLoss::detail);
  }

  /** A Spark error that carries its condition but no useful message. */
  private static final class Condition extends RuntimeException implements SparkThrowable {
    private final String condition;

    Condition(String condition) {
      super("stage failed");
      this.condition = condition;
    }

    @Override
    public String getCondition() {
      return condition;
    }
  }

  @Test
  void aFailureThatIsNotADataLossIsNone() {
    assertEquals(
        Optional.empty(), detail(queryFailed(new IllegalStateException("disk full on /tmp"))));
  }

  @Test
  void anUnreadableOffsetRangeNamesThePartitionAndTheRange() {
    assertEquals(
        Optional.of("partition cards-0: offsets [5, 10) cannot be read"),
        detail(
            queryFailed(
                new IllegalStateException(
                    "[KAFKA_DATA_LOSS.COULD_NOT_READ_OFFSET_RANGE] Some data may have been lost"
                        + " because they are not available in Kafka any more. Could not read"
                        + " records in offset [5, 10) for topic partition cards-0 with consumer"
                        + " group g."))));
  }

  @Test
  void aConsumerResetPastTheStartNamesWhereItShouldResumeAndTheEarliestOffset() {
    assertEquals(
        Optional.of(
            "partition cards-1 should resume at offset 100 but its earliest offset is now 250"),
        detail(
            queryFailed(
                new IllegalStateException(
                    "[KAFKA_DATA_LOSS.START_OFFSET_RESET] Starting offset for cards-1 was 100 but"
                        + " consumer reset to 250."))));
  }

  @Test
  void theOlderMessageWithoutAConditionIsRecognizedByItsWords() {
    assertEquals(
        Optional.of("partition cards-2 no longer has offset 42"),
        detail(
            queryFailed(
                new IllegalStateException(
                    "Cannot fetch offset 42 (GroupId: g, TopicPartition: cards-2). Some data may"
                        + " have been lost because they are not available in Kafka any more"))));
  }

  @Test
  void aDataLossConditionWithoutDetailsSaysOffsetsAreGone() {
    assertEquals(
        Optional.of("offsets the checkpoint still has to read are gone"),
        detail(queryFailed(new Condition("KAFKA_DATA_LOSS.PARTITIONS_DELETED"))));
  }

  @Test
  void anotherSparkConditionIsNotADataLoss() {
    assertEquals(Optional.empty(), detail(queryFailed(new Condition("DELTA_CONCURRENT_APPEND"))));
  }

  @Test
  void theExplanationSaysNothingWasSkippedAndHowToRecover() {
    assertEquals(
        "pipeline card-velocity stopped: Kafka no longer has records it has not processed yet"
            + " (partition cards-0: offsets [5, 10) cannot be read); they aged out of the topic's"
            + " retention or were deleted. Nothing was skipped: the stream stays at its checkpoint"
            + " (failOnDataLoss = true). Recover the missing events from the raw history:"
            + " tidemark backfill --source bronze --pipeline card-velocity --from T --to T over"
            + " the hours they cover; then restart the stream once with --set"
            + " tidemark.kafka.options.failOnDataLoss=false to move past the gap.",
        new KafkaDataLoss("partition cards-0: offsets [5, 10) cannot be read")
            .explain("card-velocity"));
  }
}
