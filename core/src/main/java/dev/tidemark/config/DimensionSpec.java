package dev.tidemark.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta dimension table a pipeline's events are enriched from (an enrichment join, {@code
 * dimensions.NAME} in the pipeline file): each event gets the dimension's {@code schema} columns of
 * the row whose {@code key} columns equal its own, <em>as of the event's time</em>: from the latest
 * version of the table committed at or before the event time (Delta's commit timestamp; the oldest
 * version for events before it). No matching row: the columns are NULL. The event columns the SQL
 * sees are then the decoded ones followed by these.
 *
 * @param name the dimension's name (the key under {@code dimensions}), in logs, {@code status} and
 *     {@code explain}
 * @param path the table's location relative to the lake root, as {@code sink.path}
 * @param key event columns matched to the dimension's columns of the same names
 * @param schemaDdl the dimension columns added to each event, as Spark DDL ({@code "section
 *     STRING"}); read from the table and cast to these types
 * @param seed a CSV file (header row; the key and schema columns) the table is created from, as
 *     version 0, before the pipeline first runs when no table is at {@code path}; ignored once the
 *     table exists (the table is the truth)
 */
public record DimensionSpec(
    String name, String path, List<String> key, String schemaDdl, Optional<Path> seed) {
  public DimensionSpec {
    key = List.copyOf(key);
  }

  /** A dimension without a seed. */
  public DimensionSpec(String name, String path, List<String> key, String schemaDdl) {
    this(name, path, key, schemaDdl, Optional.empty());
  }

  /** The columns added to each event (nullable: an event may match no row). */
  public StructType columns() {
    StructType out = new StructType();
    for (StructField f : StructType.fromDDL(schemaDdl).fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out;
  }
}
