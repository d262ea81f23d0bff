package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.AvroSpec;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.catalyst.expressions.TryEval;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Avro half of {@link EventDecoder}: the expression that decodes a Kafka value into the reader
 * schema's record, and the reasons a value does not decode. Pure.
 *
 * <p>A value decodes with spark-avro's {@code from_avro} in its failing mode, evaluated with try
 * semantics: a value that is not Avro of the schema is NULL (never a row of NULL fields, which a
 * record of optional fields could also be). Plain: one {@code from_avro} with the reader schema.
 * Confluent's wire format: the 5-byte header (magic byte 0, schema id as 4 bytes big-endian) is cut
 * off, and the rest decoded by one {@code from_avro} per known id, with that id's writer schema and
 * the reader schema as Avro's resolving reader; a CASE on the id picks one, so each record is still
 * decoded once.
 */
final class AvroPayload {
  private static final int HEADER_BYTES = 5;

  private AvroPayload() {}

  /** The Spark type of the reader schema's record: what {@link #decode} returns. */
  static StructType readerType(AvroSpec avro) {
    return (StructType)
        SchemaConverters.toSqlType(new Schema.Parser().parse(avro.readerSchema())).dataType();
  }

  /** The value decoded as a record of the reader schema, or NULL when it does not decode. */
  static Column decode(AvroSpec avro, Column value) {
    if (avro.wireFormat() == AvroSpec.WireFormat.PLAIN) {
      return tryFromAvro(value, avro.readerSchema(), Map.of());
    }
    Column id = schemaId(value);
    Column body = value.substr(HEADER_BYTES + 1, Integer.MAX_VALUE);
    Map<String, String> resolve = Map.of("avroSchema", avro.readerSchema());
    Column decoded = null;
    for (Map.Entry<Integer, String> writer : avro.writerSchemas().entrySet()) {
      Column known = hasHeader(value).and(id.equalTo(writer.getKey()));
      Column one = tryFromAvro(body, writer.getValue(), resolve);
      decoded = decoded == null ? when(known, one) : decoded.when(known, one);
    }
    return decoded;
  }

  /**
   * Adds to {@code reason} (a CASE over the record, empty values already rejected) why the value
   * did not decode, given the decoded {@code payload}: no Confluent header, an unknown schema id,
   * or a payload that is not Avro of the schema.
   */
  static Column reasons(AvroSpec avro, Column reason, Column value, Column payload) {
    if (avro.wireFormat() == AvroSpec.WireFormat.PLAIN) {
      return reason.when(
          payload.isNull(), lit("value is not Avro of schema " + avro.schemaFile().getFileName()));
    }
    Column id = schemaId(value).cast(DataTypes.StringType);
    return reason
        .when(
            not(hasHeader(value)),
            lit(
                "no Confluent header: the value does not start with the magic byte 0 and a 4-byte"
                    + " schema id"))
        .when(
            not(schemaId(value).isin(avro.writerSchemas().keySet().toArray())),
            concat(
                lit("unknown schema id "),
                id,
                lit(" (no "),
                id,
                lit(".avsc in " + avro.schemasDir().getFileName() + "/)")))
        .when(
            payload.isNull(),
            concat(lit("value is not Avro of schema id "), id, lit(" ("), id, lit(".avsc)")));
  }

  /** At least 5 bytes, the first of them 0. */
  private static Column hasHeader(Column value) {
    return length(value).geq(HEADER_BYTES).and(substring(value, 1, 1).equalTo(lit(new byte[] {0})));
  }

  /** Bytes 2 to 5 of the value as an unsigned big-endian number. */
  private static Column schemaId(Column value) {
    return conv(hex(substring(value, 2, 4)), 16, 10).cast(DataTypes.LongType);
  }

  /** {@code from_avro} (failing on a bad value) with try semantics: NULL for a bad value. */
  private static Column tryFromAvro(
      Column bytes, String writerSchema, Map<String, String> options) {
    Map<String, String> failFast = new java.util.HashMap<>(options);
    failFast.put("mode", "FAILFAST");
    Column fromAvro = org.apache.spark.sql.avro.functions.from_avro(bytes, writerSchema, failFast);
    return ExpressionUtils.column(new TryEval(ExpressionUtils.expression(fromAvro)));
  }
}
