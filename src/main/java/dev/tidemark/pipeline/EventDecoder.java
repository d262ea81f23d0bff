package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.SourceSpec;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns raw Kafka records (columns {@code key, value, topic, partition, offset, timestamp}) into
 * typed events, and says why a record could not be turned into one. Pure: works the same on a
 * stream and on a batch.
 *
 * <p>A record is rejected when its value is empty, is not a JSON object, does not fit the declared
 * schema (wrong types), lacks the event time, or has an event time absurdly far from the moment it
 * reached Kafka (more than a day ahead, or more than a year behind). Rejected records keep their
 * raw bytes and Kafka coordinates so nothing is lost.
 */
public final class EventDecoder {
  static final String PAYLOAD = "_payload";
  static final String CORRUPT = "_corrupt_record";
  public static final String REASON = "reason";

  /** An event time this far after the record's Kafka timestamp is a broken clock, not data. */
  static final int MAX_AHEAD_DAYS = 1;

  /** An event time this far before the record's Kafka timestamp is garbage, not late data. */
  static final int MAX_BEHIND_DAYS = 365;

  private final SourceSpec source;
  private final StructType schema;
  private final StructType parseSchema;

  public EventDecoder(SourceSpec source) {
    this.source = source;
    this.schema = StructType.fromDDL(source.schemaDdl());
    this.parseSchema = schema.add(CORRUPT, DataTypes.StringType, true);
  }

  /** The typed event schema: exactly the declared payload schema. */
  public StructType schema() {
    return schema;
  }

  /** Adds the parsed payload and a rejection reason (null when the record is good). */
  public Dataset<Row> decode(Dataset<Row> raw) {
    Column payload =
        from_json(
            col("value").cast(DataTypes.StringType),
            parseSchema,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    Dataset<Row> parsed = raw.withColumn(PAYLOAD, payload);
    Column p = col(PAYLOAD);
    Column reason =
        when(col("value").isNull().or(length(col("value")).equalTo(0)), lit("empty payload"))
            .when(p.isNull(), lit("payload is not a JSON object"))
            .when(
                p.getField(CORRUPT).isNotNull(),
                lit("malformed JSON or a field that does not match the schema"))
            .when(
                p.getField(source.eventTimeColumn()).isNull(),
                lit("missing event time '" + source.eventTimeColumn() + "'"))
            .when(
                p.getField(source.eventTimeColumn())
                    .gt(col("timestamp").plus(expr("INTERVAL " + MAX_AHEAD_DAYS + " DAYS"))),
                lit("event time more than " + MAX_AHEAD_DAYS + " day after it reached Kafka"))
            .when(
                p.getField(source.eventTimeColumn())
                    .lt(col("timestamp").minus(expr("INTERVAL " + MAX_BEHIND_DAYS + " DAYS"))),
                lit("event time more than " + MAX_BEHIND_DAYS + " days before it reached Kafka"));
    return parsed.withColumn(REASON, reason);
  }

  /** The good events of a decoded frame, with the declared columns only. */
  public Dataset<Row> accepted(Dataset<Row> decoded) {
    Column[] fields =
        Arrays.stream(schema.fieldNames())
            .map(f -> col(PAYLOAD).getField(f).as(f))
            .toArray(Column[]::new);
    return decoded.where(col(REASON).isNull()).select(fields);
  }

  /** The rejected records of a decoded frame: raw bytes, Kafka coordinates and the reason. */
  public Dataset<Row> rejected(Dataset<Row> decoded) {
    return decoded
        .where(col(REASON).isNotNull())
        .select(
            col("topic"),
            col("partition"),
            col("offset"),
            col("timestamp").as("kafka_timestamp"),
            col("key"),
            col("value"),
            col(REASON),
            current_timestamp().as("quarantined_at"));
  }
}
