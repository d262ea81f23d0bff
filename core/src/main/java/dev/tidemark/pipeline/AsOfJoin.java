package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The enrichment join of a pipeline's events with its dimension tables, as of each event's time (an
 * event-time temporal join, Flink's {@code FOR SYSTEM_TIME AS OF} on event time): an event joins
 * the version of the dimension that was in force at its event time, the latest version committed at
 * or before it. Given the versions whose validity {@code [from, to)} (their commit timestamp, up to
 * the next version's) overlaps the events' times, the result is the events with the dimension's
 * columns appended: those of the row whose key columns equal the event's, in that version; NULL
 * when no row matches (the oldest version is in force since ever, see {@code run.DimensionTables}).
 *
 * <p>Because the version depends only on the event's time and on the table's commit history, the
 * stream and any later backfill join an event with the same version (for events that are not ahead
 * of the clock when the stream reads them: a version committed after that, with a commit timestamp
 * at or before the event time, is seen by the backfill only). Each version is deduplicated on its
 * key first (the greatest row, by its columns in order, when a key has several), so an event always
 * stays one event and the choice does not depend on file order. The versions are joined as one
 * broadcast table: dimensions are meant to be small.
 *
 * <p>Pure: the versions are read by the caller ({@code run.DimensionTables}).
 */
public final class AsOfJoin {
  private static final String KEY = "_dim_key_";
  private static final String VALUE = "_dim_value";
  private static final String FROM = "_dim_from_ms";
  private static final String TO = "_dim_to_ms";

  /**
   * One version of a dimension table and its validity in event time.
   *
   * @param version the Delta version
   * @param fromMs its commit timestamp, epoch milliseconds (inclusive)
   * @param toMs the next version's commit timestamp (exclusive), {@link Long#MAX_VALUE} for the
   *     latest
   * @param rows the table's rows at that version
   */
  public record Version(long version, long fromMs, long toMs, Dataset<Row> rows) {}

  private AsOfJoin() {}

  /** The event columns the pipeline's SQL sees: the decoded ones, then each dimension's. */
  public static StructType eventSchema(PipelineSpec spec, StructType decoded) {
    StructType out = decoded;
    for (DimensionSpec d : spec.dimensions()) {
      for (StructField f : d.columns().fields()) {
        out = out.add(f);
      }
    }
    return out;
  }

  /** The decoded events of {@code spec} with its dimension columns, all NULL (plans, schemas). */
  public static Dataset<Row> withNulls(PipelineSpec spec, Dataset<Row> events) {
    Dataset<Row> out = events;
    for (DimensionSpec d : spec.dimensions()) {
      out = withNulls(d, out);
    }
    return out;
  }

  private static Dataset<Row> withNulls(DimensionSpec dimension, Dataset<Row> events) {
    List<String> names = new ArrayList<>();
    List<Column> nulls = new ArrayList<>();
    for (StructField f : dimension.columns().fields()) {
      names.add(f.name());
      nulls.add(lit(null).cast(f.dataType()));
    }
    return events.withColumns(
        scala.jdk.javaapi.CollectionConverters.asScala(names).toSeq(),
        scala.jdk.javaapi.CollectionConverters.asScala(nulls).toSeq());
  }

  /**
   * {@code events} with the columns of {@code dimension} as of each event's time ({@code
   * eventTime}, a TIMESTAMP column), given the versions in force over the events' times (possibly
   * none: then the columns are NULL).
   */
  public static Dataset<Row> join(
      Dataset<Row> events, String eventTime, DimensionSpec dimension, List<Version> versions) {
    if (versions.isEmpty()) {
      return withNulls(dimension, events);
    }
    StructField[] fields = dimension.columns().fields();
    List<String> key = dimension.key();
    Dataset<Row> all = null;
    for (Version v : versions) {
      Column[] keys = new Column[key.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = col(quote(key.get(i))).as(KEY + i);
      }
      Column[] values = new Column[fields.length];
      for (int i = 0; i < fields.length; i++) {
        values[i] = col(quote(fields[i].name())).cast(fields[i].dataType()).as(fields[i].name());
      }
      Dataset<Row> one =
          v.rows()
              .groupBy(keys)
              .agg(max(struct(values)).as(VALUE))
              .withColumn(FROM, lit(v.fromMs()))
              .withColumn(TO, lit(v.toMs()));
      all = all == null ? one : all.union(one);
    }
    Column eventMs = expr("unix_millis(" + quote(eventTime) + ")");
    Column on = eventMs.geq(col(FROM)).and(eventMs.lt(col(TO)));
    for (int i = 0; i < key.size(); i++) {
      on = events.col(quote(key.get(i))).equalTo(col(KEY + i)).and(on);
    }
    List<Column> out = new ArrayList<>();
    for (String c : events.columns()) {
      out.add(events.col(quote(c)));
    }
    for (StructField f : fields) {
      out.add(col(VALUE).getField(f.name()).as(f.name()));
    }
    return events.join(broadcast(all), on, "left").select(out.toArray(Column[]::new));
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
