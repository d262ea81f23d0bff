package dev.tidemark.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The ceiling: Spark reads the whole topic as a batch and counts the records, no parsing. */
final class KafkaCountCase implements BenchCase {
  private final BenchContext ctx;

  KafkaCountCase(BenchContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String id() {
    return "ceiling-kafka-count";
  }

  @Override
  public String label() {
    return "ceiling: Spark batch read of the topic + count";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) {
    meter.begin();
    long n = KafkaBatch.wholeTopic(ctx).count();
    meter.end();
    if (n != ctx.events()) {
      throw new IllegalStateException("counted " + n + " records, loaded " + ctx.events());
    }
    return StateSize.NONE;
  }

  /** The whole loaded topic as a batch frame of raw Kafka records. */
  static final class KafkaBatch {
    private KafkaBatch() {}

    static Dataset<Row> wholeTopic(BenchContext ctx) {
      return ctx.spark()
          .read()
          .format("kafka")
          .option("kafka.bootstrap.servers", ctx.base().bootstrapServers())
          .option("subscribe", ctx.topic())
          .option("startingOffsets", "earliest")
          .option("endingOffsets", "latest")
          .load();
    }
  }
}
