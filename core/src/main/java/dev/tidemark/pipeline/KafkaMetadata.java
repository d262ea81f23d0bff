package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.struct;

import dev.tidemark.config.PipelineSpec;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Kafka record behind an event, as the struct column {@link #COLUMN} of the view {@code
 * events}: {@code key} (BINARY), {@code headers} (ARRAY&lt;STRUCT&lt;key: STRING, value:
 * BINARY&gt;&gt;, in the record's order, duplicates kept), {@code topic}, {@code partition}, {@code
 * offset}, {@code timestamp} (the Kafka record timestamp) and {@code timestampType}: the columns of
 * Spark's Kafka source, bytes untouched, so a stream (from Kafka) and a backfill (from Kafka or
 * from bronze, which keeps them all) see the same values.
 *
 * <p>Paid for only by pipelines that use it: a pipeline whose SQL or expectations name {@code
 * _kafka} (a whole word, any case) reads Kafka with {@code includeHeaders}, reads bronze's {@code
 * headers} column and carries the struct beside its events; any other pipeline's sources, decoder
 * and plans are exactly as without this class. The test is textual, so {@code _kafka} in a comment
 * or string literal also turns it on, which costs a little speed and changes no result.
 */
public final class KafkaMetadata {
  /** The column of the view {@code events} that holds the record's metadata. */
  public static final String COLUMN = "_kafka";

  /** The raw column of the Kafka headers (only with {@code includeHeaders}). */
  public static final String HEADERS = "headers";

  private static final Pattern REFERENCE =
      Pattern.compile("(?<![A-Za-z0-9_$])`?_kafka`?(?![A-Za-z0-9_$])", Pattern.CASE_INSENSITIVE);

  /** The type of {@link #COLUMN}. */
  public static final StructType TYPE =
      new StructType()
          .add("key", DataTypes.BinaryType)
          .add(
              HEADERS,
              DataTypes.createArrayType(
                  new StructType()
                      .add("key", DataTypes.StringType)
                      .add("value", DataTypes.BinaryType)))
          .add("topic", DataTypes.StringType)
          .add("partition", DataTypes.IntegerType)
          .add("offset", DataTypes.LongType)
          .add("timestamp", DataTypes.TimestampType)
          .add("timestampType", DataTypes.IntegerType);

  private KafkaMetadata() {}

  /** Whether the pipeline's SQL or one of its expectations names {@link #COLUMN}. */
  public static boolean usedBy(PipelineSpec spec) {
    return references(spec.sql())
        || spec.expectations().values().stream().anyMatch(s -> references(s));
  }

  /** Whether {@code sql} names {@link #COLUMN} as a whole word (any case, quoted or not). */
  static boolean references(String sql) {
    return sql != null && REFERENCE.matcher(sql).find();
  }

  /**
   * The struct {@link #COLUMN} from a struct of raw Kafka (or bronze) columns, which must include
   * {@link #HEADERS}.
   */
  static Column of(Column raw) {
    return struct(
        Arrays.stream(TYPE.fieldNames()).map(f -> raw.getField(f).as(f)).toArray(Column[]::new));
  }
}
