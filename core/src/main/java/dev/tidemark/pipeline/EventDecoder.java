package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.Durations;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SourceSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns raw Kafka records (columns {@code key, value, topic, partition, offset, timestamp}) into
 * typed events, and says why a record could not be turned into one. Pure: works the same on a
 * stream and on a batch.
 *
 * <p>A record is rejected when its value is empty, is not a JSON object, does not fit the declared
 * schema, holds a number that is not finite (NaN or Infinity, which Spark's JSON reader accepts for
 * FLOAT and DOUBLE), lacks the event time, has an event time too far from the moment it reached
 * Kafka (more than {@code source.max-event-time-ahead} after it: a wrong clock, which would move
 * the watermark past every event to come; or more than a year before it), or fails one of the
 * pipeline's expectations. Rejected records keep their raw bytes and Kafka coordinates so nothing
 * is lost. The stream, the backfill and the repair all decode with this class, so they reject the
 * same records for the same reasons.
 *
 * <p>Schema drift: fields the schema does not declare are ignored (the record is accepted); a
 * declared top-level field whose value cannot be read as its declared type (e.g. {@code "amount":
 * "12.5x"} for a DECIMAL) rejects the record with the reason {@code field 'amount' does not match
 * the schema: expected DECIMAL(12,2), got '12.5x'}. Spark's JSON reader turns such a value into
 * NULL; the decoder finds the field by reading the payload a second time with every field as text,
 * only for records the typed read flagged, and only when the rejected records are written.
 *
 * <p>Avro ({@code source.format = avro}, D35): the value is decoded with the pipeline's Avro schema
 * ({@link AvroPayload}), plain or in Confluent's wire format; a value that does not decode is
 * rejected with the reason {@code value is not Avro of schema FILE} (plain), or {@code no Confluent
 * header ...}, {@code unknown schema id N (no N.avsc in DIR/)}, {@code value is not Avro of schema
 * id N (N.avsc)} (Confluent). The checks after it (non-finite numbers, event time, expectations)
 * are the same as for JSON. An event time that is a plain Avro {@code long} is read as epoch
 * milliseconds.
 *
 * <p>One parse per record: the payload is parsed in a generator ({@code inline}), which Spark's
 * optimizer does not inline into the filters and projections above it, so however a plan uses the
 * decoded frame (accepted and rejected records, the checks, the watermark), each record is parsed
 * once. (A plain projection would be copied into every pushed-down filter: 32 parses per record
 * were counted in a plan with one expectation.)
 */
public final class EventDecoder {
  static final String PAYLOAD = "_payload";
  static final String CORRUPT = "_corrupt_record";

  /** The raw Kafka (or bronze) record, kept as one struct column beside the event columns. */
  public static final String RAW = "_raw";

  /** Why a record was rejected: null for a good event. */
  public static final String REASON = "_reason";

  /** The column of the quarantine table that holds the reason. */
  public static final String REASON_COLUMN = "reason";

  private static final String MISMATCH = "payload does not match the schema";
  private static final int SAMPLE_CHARS = 40;

  /** An event time this far before the record's Kafka timestamp is garbage, not late data. */
  static final int MAX_BEHIND_DAYS = 365;

  private final SourceSpec source;
  private final StructType schema;
  private final StructType parseSchema;
  private final StructType textSchema;
  private final Map<String, String> expectations;
  private final boolean metadata;
  private final StructType eventSchema;
  private final String millisColumn;

  /** A decoder for the source's schema, without expectations. */
  public EventDecoder(SourceSpec source) {
    this(source, Map.of());
  }

  /** A decoder for the source's schema and {@code expectations}, without Kafka metadata. */
  public EventDecoder(SourceSpec source, Map<String, String> expectations) {
    this(source, expectations, false);
  }

  /**
   * A decoder for the source's schema that also rejects events failing one of {@code expectations}
   * (name to SQL condition over the event columns, checked in the map's order); with {@code
   * metadata}, the events also carry the record's Kafka metadata as {@link KafkaMetadata#COLUMN},
   * which the raw records' {@code headers} column (Kafka's {@code includeHeaders}) must then be
   * given for.
   */
  public EventDecoder(SourceSpec source, Map<String, String> expectations, boolean metadata) {
    this.source = source;
    this.schema = StructType.fromDDL(source.schemaDdl());
    this.parseSchema = schema.add(CORRUPT, DataTypes.StringType, true);
    StructType text = new StructType();
    for (StructField f : schema.fields()) {
      text = text.add(f.name(), DataTypes.StringType, true);
    }
    this.textSchema = text;
    this.expectations = expectations;
    this.metadata = metadata;
    this.eventSchema =
        metadata ? schema.add(KafkaMetadata.COLUMN, KafkaMetadata.TYPE, false) : schema;
    this.millisColumn = millisColumn(source);
  }

  /**
   * The event-time column when it is a plain Avro {@code long} (epoch milliseconds, turned into a
   * TIMESTAMP), else null.
   */
  private static String millisColumn(SourceSpec source) {
    if (source.avro() == null) {
      return null;
    }
    StructType reader = AvroPayload.readerType(source.avro());
    String column = source.eventTimeColumn();
    return Arrays.asList(reader.fieldNames()).contains(column)
            && reader.apply(column).dataType().equals(DataTypes.LongType)
        ? column
        : null;
  }

  /**
   * The decoder of a pipeline: its source's schema, its expectations, and the Kafka metadata when
   * its SQL or expectations use it ({@link KafkaMetadata#usedBy}).
   */
  public static EventDecoder of(PipelineSpec spec) {
    return new EventDecoder(spec.source(), spec.expectations(), KafkaMetadata.usedBy(spec));
  }

  /** The typed payload schema: exactly the declared schema. */
  public StructType schema() {
    return schema;
  }

  /**
   * The columns of the view {@code events} the SQL and expectations see: the payload schema, and
   * {@link KafkaMetadata#COLUMN} when this decoder carries the metadata.
   */
  public StructType eventSchema() {
    return eventSchema;
  }

  /** Whether the events carry {@link KafkaMetadata#COLUMN}. */
  public boolean carriesMetadata() {
    return metadata;
  }

  /**
   * Decodes raw records (columns {@code key, value, topic, partition, offset, timestamp}, and any
   * others): the declared event columns, {@link KafkaMetadata#COLUMN} if carried, {@link #REASON}
   * (null when the record is a good event) and the raw record as the struct {@link #RAW}.
   *
   * @throws IllegalArgumentException when the metadata is carried and {@code raw} has no {@code
   *     headers} column
   */
  public Dataset<Row> decode(Dataset<Row> raw) {
    if (source.fromPipeline()) {
      return decodeRows(raw);
    }
    if (metadata && !Arrays.asList(raw.columns()).contains(KafkaMetadata.HEADERS)) {
      throw new IllegalArgumentException(
          "the pipeline's SQL uses "
              + KafkaMetadata.COLUMN
              + ", but the raw records have no headers column (read Kafka with includeHeaders)");
    }
    Column[] rawColumns =
        Arrays.stream(raw.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Column payload =
        source.avro() != null
            ? AvroPayload.decode(source.avro(), col("value"))
            : from_json(
                col("value").cast(DataTypes.StringType),
                parseSchema,
                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    Dataset<Row> parsed =
        raw.select(struct(rawColumns).as(RAW), inline(array(struct(payload.as(PAYLOAD)))));
    // The metadata is projected from the raw struct beside the payload's fields, so expectations
    // can name it too; without it, the plan is exactly as before.
    List<Column> fields = new ArrayList<>(List.of(col(RAW), col(PAYLOAD)));
    for (StructField f : schema.fields()) {
      Column field = col(PAYLOAD).getField(f.name());
      fields.add((f.name().equals(millisColumn) ? timestamp_millis(field) : field).as(f.name()));
    }
    if (metadata) {
      fields.add(KafkaMetadata.of(col(RAW)).as(KafkaMetadata.COLUMN));
    }
    Column p = col(PAYLOAD);
    Column eventTime = col(source.eventTimeColumn());
    Column kafkaTime = col(RAW).getField("timestamp");
    Column value = col(RAW).getField("value");
    Column reason = when(value.isNull().or(length(value).equalTo(0)), lit("empty payload"));
    reason =
        source.avro() != null
            ? AvroPayload.reasons(source.avro(), reason, value, p)
            : reason
                .when(p.isNull(), lit("payload is not a JSON object"))
                .when(p.getField(CORRUPT).isNotNull(), lit(MISMATCH));
    // Spark's JSON reader takes NaN and Infinity (bare or quoted) as FLOAT and DOUBLE values; they
    // would poison every aggregate they reach, so they are rejected, naming the field.
    reason = finiteChecks(reason);
    reason =
        reason
            .when(eventTime.isNull(), lit("missing event time '" + source.eventTimeColumn() + "'"))
            .when(
                eventTime.gt(
                    kafkaTime.plus(
                        expr(
                            "INTERVAL "
                                + source.maxEventTimeAhead().toMillis()
                                + " MILLISECONDS"))),
                lit(
                    "event time more than "
                        + Durations.describe(source.maxEventTimeAhead())
                        + " after it reached Kafka ("
                        + ConfigKeys.SOURCE_MAX_EVENT_TIME_AHEAD
                        + ")"))
            .when(
                eventTime.lt(kafkaTime.minus(expr("INTERVAL " + MAX_BEHIND_DAYS + " DAYS"))),
                lit("event time more than " + MAX_BEHIND_DAYS + " days before it reached Kafka"));
    // Expectations name event columns, and are checked only for records that parsed.
    return checked(parsed.select(fields.toArray(Column[]::new)), expectationChecks(reason));
  }

  /**
   * Decodes the rows of another pipeline's table ({@code source.pipeline}, D39): they are typed
   * already, so nothing is parsed; the declared columns are taken by name (and type), and a row is
   * rejected when its event time is missing, it holds a number that is not finite, or it fails an
   * expectation. The whole row is kept as {@link #RAW} (the quarantine stores it as JSON).
   */
  private Dataset<Row> decodeRows(Dataset<Row> raw) {
    Column[] rawColumns =
        Arrays.stream(raw.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    List<Column> fields = new ArrayList<>(List.of(col(RAW)));
    for (StructField f : schema.fields()) {
      fields.add(col(RAW).getField(f.name()).cast(f.dataType()).as(f.name()));
    }
    Column reason =
        when(
            col(source.eventTimeColumn()).isNull(),
            lit("missing event time '" + source.eventTimeColumn() + "'"));
    Dataset<Row> rows =
        raw.select(struct(rawColumns).as(RAW)).select(fields.toArray(Column[]::new));
    return checked(rows, expectationChecks(finiteChecks(reason)));
  }

  /** The decoded frame: the event columns, {@link #REASON} and {@link #RAW}. */
  private Dataset<Row> checked(Dataset<Row> parsed, Column reason) {
    List<Column> out = new ArrayList<>();
    for (StructField f : eventSchema.fields()) {
      out.add(col("`" + f.name() + "`"));
    }
    out.add(reason.as(REASON));
    out.add(col(RAW));
    return parsed.select(out.toArray(Column[]::new));
  }

  /** {@code reason}, then a reason for a FLOAT or DOUBLE that is NaN or Infinity, at any depth. */
  private Column finiteChecks(Column reason) {
    for (StructField f : schema.fields()) {
      Column field = col("`" + f.name() + "`");
      if (f.dataType() instanceof FloatType || f.dataType() instanceof DoubleType) {
        reason =
            reason.when(
                not(field.isNull()).and(notFinite(field)),
                concat(
                    lit("field '" + f.name() + "' is not a finite number: "),
                    field.cast(DataTypes.StringType)));
      } else {
        String nested = nonFiniteInside("`" + f.name().replace("`", "``") + "`", f.dataType(), 0);
        if (nested != null) {
          reason =
              reason.when(
                  expr(nested),
                  lit(
                      "field '"
                          + f.name()
                          + "' holds a number that is not finite (NaN or Infinity)"));
        }
      }
    }
    return reason;
  }

  /** {@code reason}, then the first expectation that is not true, with try semantics. */
  private Column expectationChecks(Column reason) {
    for (Map.Entry<String, String> e : expectations.entrySet()) {
      Column verdict = tryEval(coalesce(expr(e.getValue()), lit(false)));
      reason =
          reason
              .when(
                  verdict.isNull(),
                  lit(
                      "expectation "
                          + e.getKey()
                          + " failed: "
                          + e.getValue()
                          + " (evaluating it raised an error)"))
              .when(not(verdict), lit("expectation " + e.getKey() + " failed: " + e.getValue()));
    }
    return reason;
  }

  /** NaN, Infinity or -Infinity: a FLOAT or DOUBLE column that is not a finite number. */
  private static Column notFinite(Column c) {
    return isnan(c)
        .or(c.equalTo(lit(Double.POSITIVE_INFINITY)))
        .or(c.equalTo(lit(Double.NEGATIVE_INFINITY)));
  }

  /**
   * A SQL condition: the STRUCT, ARRAY or MAP value at {@code path} holds a FLOAT or DOUBLE that is
   * not finite, at any depth (NULL counts as finite); null when the type holds no FLOAT or DOUBLE.
   */
  static String nonFiniteInside(String path, DataType type, int depth) {
    if (type instanceof FloatType || type instanceof DoubleType) {
      return "coalesce(isnan(" + path + ") OR abs(" + path + ") = double('Infinity'), false)";
    }
    if (type instanceof StructType s) {
      List<String> any = new ArrayList<>();
      for (StructField f : s.fields()) {
        String inner =
            nonFiniteInside(path + ".`" + f.name().replace("`", "``") + "`", f.dataType(), depth);
        if (inner != null) {
          any.add(inner);
        }
      }
      return any.isEmpty() ? null : "(" + String.join(" OR ", any) + ")";
    }
    String x = "x" + depth;
    if (type instanceof ArrayType a) {
      String inner = nonFiniteInside(x, a.elementType(), depth + 1);
      return inner == null
          ? null
          : "coalesce(exists(" + path + ", " + x + " -> " + inner + "), false)";
    }
    if (type instanceof MapType m) {
      String inner = nonFiniteInside(x, m.valueType(), depth + 1);
      return inner == null
          ? null
          : "coalesce(exists(map_values(" + path + "), " + x + " -> " + inner + "), false)";
    }
    return null;
  }

  /**
   * {@code condition} evaluated with try semantics: NULL where evaluating it raises an error (with
   * ANSI SQL on, a failed cast, a division by zero, an overflow), so that one such record fails its
   * expectation instead of failing the batch, and every replay of it.
   */
  private static Column tryEval(Column condition) {
    return ExpressionUtils.column(new TryEval(ExpressionUtils.expression(condition)));
  }

  /**
   * For a record the typed read flagged: the first declared field that has a value in the payload
   * but none after the typed read, or "malformed JSON" when the payload does not parse at all.
   */
  private Column mismatchReason() {
    Column text =
        from_json(
            col(RAW).getField("value").cast(DataTypes.StringType),
            textSchema,
            Map.of("mode", "PERMISSIVE"));
    Column[] candidates = new Column[schema.fields().length + 1];
    int i = 0;
    for (StructField f : schema.fields()) {
      Column raw = text.getField(f.name());
      Column lost = raw.isNotNull().and(col("`" + f.name() + "`").isNull());
      // NaN or Infinity where an INT or DECIMAL is declared: the same reason as for a DOUBLE.
      Column bare = regexp_replace(raw, "\"", "");
      Column nonFinite =
          f.dataType() instanceof NumericType
              ? bare.rlike("^[+-]?(NaN|Infinity|INF)$")
              : lit(false);
      candidates[i++] =
          when(
                  lost.and(nonFinite),
                  concat(lit("field '" + f.name() + "' is not a finite number: "), bare))
              .when(
                  lost,
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
   * The good events of a decoded frame: the declared columns, and {@link KafkaMetadata#COLUMN} if
   * carried.
   */
  public Dataset<Row> accepted(Dataset<Row> decoded) {
    Column[] fields =
        Arrays.stream(eventSchema.fieldNames()).map(f -> col("`" + f + "`")).toArray(Column[]::new);
    return decoded.where(col(REASON).isNull()).select(fields);
  }

  /**
   * The rejected records of a decoded frame: raw bytes, Kafka coordinates and the reason. A row of
   * another pipeline's table has no Kafka coordinates (null) and is kept as its JSON text.
   */
  public Dataset<Row> rejected(Dataset<Row> decoded) {
    Column raw = col(RAW);
    if (source.fromPipeline()) {
      return decoded
          .where(col(REASON).isNotNull())
          .select(
              lit(null).cast(DataTypes.StringType).as("topic"),
              lit(null).cast(DataTypes.IntegerType).as("partition"),
              lit(null).cast(DataTypes.LongType).as("offset"),
              lit(null).cast(DataTypes.TimestampType).as("kafka_timestamp"),
              lit(null).cast(DataTypes.BinaryType).as("key"),
              to_json(raw).cast(DataTypes.BinaryType).as("value"),
              col(REASON).as(REASON_COLUMN),
              current_timestamp().as("quarantined_at"));
    }
    return decoded
        .where(col(REASON).isNotNull())
        .select(
            raw.getField("topic").as("topic"),
            raw.getField("partition").as("partition"),
            raw.getField("offset").as("offset"),
            raw.getField("timestamp").as("kafka_timestamp"),
            raw.getField("key").as("key"),
            raw.getField("value").as("value"),
            (source.avro() != null
                    ? col(REASON)
                    : when(col(REASON).equalTo(MISMATCH), mismatchReason()).otherwise(col(REASON)))
                .as(REASON_COLUMN),
            current_timestamp().as("quarantined_at"));
  }
}
