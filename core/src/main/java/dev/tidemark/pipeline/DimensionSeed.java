package dev.tidemark.pipeline;

import dev.tidemark.config.DimensionSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The seed of a dimension ({@code dimensions.NAME.seed}, as dbt's seeds): a CSV file whose rows
 * become version 0 of the dimension table when there is no table yet. Its first line names the
 * columns, the dimension's key and schema columns in any order, each once; each further line is a
 * row (blank lines are skipped). Fields are separated by commas and may be quoted ({@code "a, b"},
 * {@code ""} for a quote inside; a field does not span lines). An empty field is NULL. The key
 * columns take the events' types, the others the dimension's schema; values are written as Spark
 * casts them from text: numbers, {@code true}/{@code false}, dates {@code 2026-01-31}, timestamps
 * as ISO-8601 instants {@code 2026-01-31T10:00:00Z}. Pure but for {@link #read}.
 */
public final class DimensionSeed {
  private DimensionSeed() {}

  /** The seeded table's columns: the key columns with the events' types, then the schema's. */
  public static StructType schema(DimensionSpec dimension, StructType decoded) {
    StructType out = new StructType();
    for (String k : dimension.key()) {
      out = out.add(k, decoded.apply(k).dataType(), true);
    }
    for (StructField f : dimension.columns().fields()) {
      out = out.add(f);
    }
    return out;
  }

  /** The rows of {@code file}, typed by {@code schema}; a bad file fails naming it and the line. */
  public static List<Row> read(Path file, StructType schema) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the seed file " + file + ": " + e, e);
    }
    return parse(file.toString(), lines, schema);
  }

  /**
   * The rows of the CSV text {@code lines} (of the file {@code name}, for messages) in the column
   * order of {@code schema}.
   *
   * @throws IllegalArgumentException naming the file and the line (1 is the header) of the first
   *     problem
   */
  public static List<Row> parse(String name, List<String> lines, StructType schema) {
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw bad(name, 1, "the first line must name the columns " + List.of(schema.fieldNames()));
    }
    List<String> header = fields(name, 1, lines.get(0));
    Set<String> expected = new TreeSet<>(List.of(schema.fieldNames()));
    if (header.size() != expected.size() || !expected.equals(new TreeSet<>(header))) {
      throw bad(
          name,
          1,
          "the header "
              + header
              + " must name the dimension's key and schema columns, each once: "
              + expected);
    }
    int[] at = new int[schema.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = header.indexOf(schema.fields()[i].name());
      String unsupported = supported(schema.fields()[i].dataType());
      if (unsupported != null) {
        throw bad(name, 1, "column " + schema.fields()[i].name() + ": " + unsupported);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int line = 2; line <= lines.size(); line++) {
      String text = lines.get(line - 1);
      if (text.isBlank()) {
        continue;
      }
      List<String> fields = fields(name, line, text);
      if (fields.size() != header.size()) {
        throw bad(
            name,
            line,
            "has " + fields.size() + " fields, the header " + header.size() + ": " + text);
      }
      Object[] values = new Object[at.length];
      for (int i = 0; i < at.length; i++) {
        StructField f = schema.fields()[i];
        String raw = fields.get(at[i]);
        try {
          values[i] = raw.isEmpty() ? null : value(raw, f.dataType());
        } catch (RuntimeException e) {
          throw bad(
              name,
              line,
              "column " + f.name() + ": '" + raw + "' is not a " + f.dataType().sql() + ": " + e);
        }
      }
      rows.add(RowFactory.create(values));
    }
    return rows;
  }

  /** Null if a seed can hold values of {@code type}, else why not. */
  private static String supported(DataType type) {
    boolean ok =
        type.equals(DataTypes.StringType)
            || type.equals(DataTypes.IntegerType)
            || type.equals(DataTypes.LongType)
            || type.equals(DataTypes.ShortType)
            || type.equals(DataTypes.ByteType)
            || type.equals(DataTypes.DoubleType)
            || type.equals(DataTypes.FloatType)
            || type.equals(DataTypes.BooleanType)
            || type.equals(DataTypes.DateType)
            || type.equals(DataTypes.TimestampType)
            || type instanceof DecimalType;
    return ok
        ? null
        : "a seed holds STRING, numbers, BOOLEAN, DATE and TIMESTAMP columns, not " + type.sql();
  }

  private static Object value(String raw, DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return raw;
    } else if (type.equals(DataTypes.IntegerType)) {
      return Integer.valueOf(raw.strip());
    } else if (type.equals(DataTypes.LongType)) {
      return Long.valueOf(raw.strip());
    } else if (type.equals(DataTypes.ShortType)) {
      return Short.valueOf(raw.strip());
    } else if (type.equals(DataTypes.ByteType)) {
      return Byte.valueOf(raw.strip());
    } else if (type.equals(DataTypes.DoubleType)) {
      return Double.valueOf(raw.strip());
    } else if (type.equals(DataTypes.FloatType)) {
      return Float.valueOf(raw.strip());
    } else if (type.equals(DataTypes.BooleanType)) {
      String b = raw.strip().toLowerCase(java.util.Locale.ROOT);
      if (!b.equals("true") && !b.equals("false")) {
        throw new IllegalArgumentException("expected true or false");
      }
      return Boolean.valueOf(b);
    } else if (type.equals(DataTypes.DateType)) {
      return Date.valueOf(LocalDate.parse(raw.strip()));
    } else if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from(Instant.parse(raw.strip()));
    }
    DecimalType d = (DecimalType) type;
    BigDecimal v = new BigDecimal(raw.strip()).setScale(d.scale(), RoundingMode.UNNECESSARY);
    if (v.precision() > d.precision()) {
      throw new IllegalArgumentException("more than " + d.precision() + " digits");
    }
    return v;
  }

  /** The fields of one CSV line. */
  private static List<String> fields(String name, int line, String text) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.isEmpty()) {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw bad(name, line, "a quoted field is not closed: " + text);
    }
    out.add(field.toString());
    return out;
  }

  private static IllegalArgumentException bad(String name, int line, String message) {
    return new IllegalArgumentException("seed " + name + ", line " + line + ": " + message);
  }
}
