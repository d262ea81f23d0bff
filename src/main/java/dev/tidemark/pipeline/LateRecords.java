package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.tidemark.config.SourceSpec;
import dev.tidemark.config.WindowSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds the records a stream has most likely dropped as late: good events whose event time trails
 * the moment they reached Kafka (the record timestamp) by more than the pipeline's watermark delay.
 * When the records around them are on time, the stream's watermark (newest event time less the
 * delay) had already passed them when they arrived. Pure: works on decoded bronze rows.
 *
 * <p>The test is against arrival, not against the stream's actual watermark, which Spark does not
 * keep per record: it may name a window that lost nothing (recomputing it changes nothing), and it
 * misses events dropped only because other producers' clocks ran ahead. Producers that stamp
 * records with the event time instead of the send time hide lateness: use {@code
 * message.timestamp.type=LogAppendTime} on such topics.
 */
public final class LateRecords {
  private LateRecords() {}

  /**
   * The late events of a decoded frame (see {@link EventDecoder#decode}): {@code topic,
   * kafka_timestamp, event_time, ingest_time}; {@code ingest_time} must be among the raw columns.
   */
  public static Dataset<Row> find(Dataset<Row> decoded, SourceSpec source) {
    Column eventTime = col("`" + source.eventTimeColumn() + "`");
    Column raw = col(EventDecoder.RAW);
    Column behindBy = expr("INTERVAL " + source.watermarkDelay().toMillis() + " MILLISECONDS");
    return decoded
        .where(
            col(EventDecoder.REASON)
                .isNull()
                .and(eventTime.lt(raw.getField("timestamp").minus(behindBy))))
        .select(
            raw.getField("topic").as("topic"),
            raw.getField("timestamp").as("kafka_timestamp"),
            eventTime.as("event_time"),
            raw.getField(BronzeRecords.INGEST_TIME).as(BronzeRecords.INGEST_TIME));
  }

  /**
   * Late events per topic and window slot (event time rounded down to the window slide): {@code
   * topic, slot, records, max_kafka_timestamp, min_ingest_time}. A slot names the windows its
   * events fall in (see {@link RepairPlan}).
   */
  public static Dataset<Row> slots(Dataset<Row> late, WindowSpec window) {
    long slide = window.slide().toMillis();
    Column slot =
        expr("timestamp_millis(floor(unix_millis(event_time) / " + slide + ") * " + slide + ")");
    return late.groupBy(col("topic"), slot.as("slot"))
        .agg(
            count(lit(1)).as("records"),
            max("kafka_timestamp").as("max_kafka_timestamp"),
            min(BronzeRecords.INGEST_TIME).as("min_ingest_time"));
  }
}
