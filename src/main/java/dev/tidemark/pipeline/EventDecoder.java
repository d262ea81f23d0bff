package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SourceSpec;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns raw Kafka records (columns {@code key, value, topic, partition, offset, timestamp}) into
 * typed events, and says why a record could not be turned into one. Pure: works the same on a
 * stream and on a batch.
 *
 * <p>A record is rejected when its value is empty, is not a JSON object, does not fit the declared
 * schema, lacks the event time, has an event time absurdly far from the moment it reached Kafka
 * (more than a day ahead, or more than a year behind), or fails one of the pipeline's expectations.
 * Rejected records keep their raw bytes and Kafka coordinates so nothing is lost.
 *
 * <p>Schema drift: fields the schema does not declare are ignored (the record is accepted); a
 * declared top-level field whose value cannot be read as its declared type (e.g. {@code "amount":
 * "12.5x"} for a DECIMAL) rejects the record with the reason {@code field 'amount' does not match
 * the schema: expected DECIMAL(12,2), got '12.5x'}. Spark's JSON reader turns such a value into
 * NULL; the decoder finds the field by reading the payload a second time with every field as text,
 * only for records the typed read flagged.
 */
public final class EventDecoder {
  static final String PAYLOAD = "_payload";
  static final String CORRUPT = "_corrupt_record";
  static final String FAILED_EXPECTATION = "_failed_expectation";
  private static final int SAMPLE_CHARS = 40;
  public static final String REASON = "reason";

  /** An event time this far after the record's Kafka timestamp is a broken clock, not data. */
  static final int MAX_AHEAD_DAYS = 1;

  /** An event time this far before the record's Kafka timestamp is garbage, not late data. */
  static final int MAX_BEHIND_DAYS = 365;

  private final SourceSpec source;
  private final StructType schema;
  private final StructType parseSchema;
  private final StructType textSchema;
  private final Map<String, String> expectations;

  /** A decoder for the source's schema, without expectations. */
  public EventDecoder(SourceSpec source) {
    this(source, Map.of());
  }

  /**
   * A decoder for the source's schema that also rejects events failing one of {@code expectations}
   * (name to SQL condition over the event columns, checked in the map's order).
   */
  public EventDecoder(SourceSpec source, Map<String, String> expectations) {
    this.source = source;
    this.schema = StructType.fromDDL(source.schemaDdl());
    this.parseSchema = schema.add(CORRUPT, DataTypes.StringType, true);
    StructType text = new StructType();
    for (StructField f : schema.fields()) {
      text = text.add(f.name(), DataTypes.StringType, true);
    }
    this.textSchema = text;
    this.expectations = expectations;
  }

  /** The decoder of a pipeline: its source's schema and its expectations. */
  public static EventDecoder of(PipelineSpec spec) {
    return new EventDecoder(spec.source(), spec.expectations());
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
    Dataset<Row> parsed = withFailedExpectation(raw.withColumn(PAYLOAD, payload));
    Column p = col(PAYLOAD);
    Column reason =
        when(col("value").isNull().or(length(col("value")).equalTo(0)), lit("empty payload"))
            .when(p.isNull(), lit("payload is not a JSON object"))
            .when(p.getField(CORRUPT).isNotNull(), mismatchReason(p))
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
                lit("event time more than " + MAX_BEHIND_DAYS + " days before it reached Kafka"))
            .when(col(FAILED_EXPECTATION).isNotNull(), col(FAILED_EXPECTATION));
    return parsed.withColumn(REASON, reason).drop(FAILED_EXPECTATION);
  }

  /**
   * For a record the typed read flagged: the first declared field that has a value in the payload
   * but none after the typed read, or "malformed JSON" when the payload does not parse at all.
   */
  private Column mismatchReason(Column typed) {
    Column text =
        from_json(
            col("value").cast(DataTypes.StringType), textSchema, Map.of("mode", "PERMISSIVE"));
    Column[] candidates = new Column[schema.fields().length + 1];
    int i = 0;
    for (StructField f : schema.fields()) {
      Column raw = text.getField(f.name());
      candidates[i++] =
          when(
              raw.isNotNull().and(typed.getField(f.name()).isNull()),
              concat(
                  lit(
                      "field '"
                          + f.name()
                          + "' does not match the schema: expected "
                          + f.dataType().sql()
                          + ", got '"),
                  substring(raw, 1, SAMPLE_CHARS),
                  when(length(raw).gt(SAMPLE_CHARS), lit("...'")).otherwise(lit("'"))));
    }
    candidates[i] = lit("malformed JSON");
    return coalesce(candidates);
  }

  /**
   * Adds {@link #FAILED_EXPECTATION}: the reason naming the first expectation the parsed payload
   * fails, or null. Expectations name event columns, so they are evaluated over the payload's
   * fields with the raw record set aside in a struct, then the record is put back as it was.
   */
  private Dataset<Row> withFailedExpectation(Dataset<Row> parsed) {
    if (expectations.isEmpty()) {
      return parsed.withColumn(FAILED_EXPECTATION, lit(null).cast(DataTypes.StringType));
    }
    String record = "_record";
    String[] columns = parsed.columns();
    Column[] fields = new Column[schema.fields().length + 1];
    fields[0] =
        struct(Arrays.stream(columns).map(c -> col("`" + c + "`")).toArray(Column[]::new))
            .as(record);
    for (int i = 0; i < schema.fields().length; i++) {
      String f = schema.fields()[i].name();
      fields[i + 1] = col(PAYLOAD).getField(f).as(f);
    }
    Column[] failures = new Column[expectations.size()];
    int i = 0;
    for (Map.Entry<String, String> e : expectations.entrySet()) {
      failures[i++] =
          when(
              not(coalesce(expr(e.getValue()), lit(false))),
              lit("expectation " + e.getKey() + " failed: " + e.getValue()));
    }
    Column failed = failures.length == 1 ? failures[0] : coalesce(failures);
    Column[] back = new Column[columns.length + 1];
    for (int c = 0; c < columns.length; c++) {
      back[c] = col(record).getField(columns[c]).as(columns[c]);
    }
    // Only records that parsed are checked: an expectation sees the columns it was written for.
    Column payload = col(record).getField(PAYLOAD);
    back[columns.length] =
        when(payload.isNotNull().and(payload.getField(CORRUPT).isNull()), failed)
            .as(FAILED_EXPECTATION);
    return parsed.select(fields).select(back);
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
