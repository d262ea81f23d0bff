package dev.tidemark.config;

import static dev.tidemark.config.ConfigKeys.SOURCE_AVRO_SCHEMAS_DIR;
import static dev.tidemark.config.ConfigKeys.SOURCE_AVRO_SCHEMA_FILE;
import static dev.tidemark.config.ConfigKeys.SOURCE_AVRO_WIRE_FORMAT;
import static dev.tidemark.config.ConfigKeys.SOURCE_EVENT_TIME;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the Avro part of a pipeline file ({@code source.format = avro}): the reader schema's {@code
 * .avsc} file, the wire format and, for Confluent's, the folder of writer schemas by id; and
 * derives the event columns from the reader schema (Spark's Avro type mapping). Every problem names
 * the key and the file. See D35.
 */
final class AvroSourceReader {
  private static final Pattern SCHEMA_ID = Pattern.compile("(0|[1-9][0-9]{0,9})\\.avsc");

  /** What the Avro settings give: the spec, and the event columns as a Spark DDL string. */
  record Read(AvroSpec avro, String schemaDdl) {}

  private AvroSourceReader() {}

  /**
   * Reads and checks the Avro settings of the pipeline file {@code r} reads, whose file name
   * without {@code .conf} is {@code baseName}; null when something is wrong (the problems are in
   * {@code r}). Without {@code mapColumns} the event columns are not derived (Spark's mapping) and
   * the result's DDL is null.
   */
  static Read read(ConfigReader r, String baseName, String eventTime, boolean mapColumns) {
    Path schemaFile = sibling(r, r.string(SOURCE_AVRO_SCHEMA_FILE, baseName + ".avsc"));
    Schema reader = schemaFile == null ? null : parse(r, SOURCE_AVRO_SCHEMA_FILE, schemaFile);
    AvroSpec.WireFormat wire =
        r.enumValue(SOURCE_AVRO_WIRE_FORMAT, AvroSpec.WireFormat.class, AvroSpec.WireFormat.PLAIN);
    Path schemasDir = null;
    SortedMap<Integer, String> writers = new TreeMap<>();
    if (wire == AvroSpec.WireFormat.CONFLUENT) {
      schemasDir = sibling(r, r.string(SOURCE_AVRO_SCHEMAS_DIR, baseName + "-schemas"));
      if (schemasDir != null) {
        writers = writerSchemas(r, schemasDir, reader, schemaFile);
      }
    } else if (r.has(SOURCE_AVRO_SCHEMAS_DIR)) {
      r.problem(
          SOURCE_AVRO_SCHEMAS_DIR, "is read only with " + SOURCE_AVRO_WIRE_FORMAT + " = confluent");
    }
    if (reader == null || wire == null) {
      return null;
    }
    String ddl = mapColumns ? eventColumns(r, reader, schemaFile, eventTime) : null;
    if ((mapColumns && ddl == null)
        || (wire == AvroSpec.WireFormat.CONFLUENT && writers.isEmpty())) {
      return null;
    }
    return new Read(new AvroSpec(schemaFile, reader.toString(), wire, schemasDir, writers), ddl);
  }

  private static Path sibling(ConfigReader r, String name) {
    return name == null ? null : r.file().resolveSibling(name).normalize();
  }

  /** The record schema in {@code file}, or null with a problem on {@code key}. */
  private static Schema parse(ConfigReader r, String key, Path file) {
    if (!Files.isRegularFile(file)) {
      r.problem(key, "Avro schema file not found: " + file);
      return null;
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(file.toFile());
    } catch (IOException | RuntimeException e) { // Avro's SchemaParseException is unchecked
      r.problem(
          key,
          "cannot parse "
              + file
              + " as an Avro schema: "
              + PipelineFileReader.firstLine(e.getMessage()));
      return null;
    }
    if (schema.getType() != Schema.Type.RECORD) {
      r.problem(
          key,
          file
              + " must hold an Avro record schema (its fields are the event columns), holds a "
              + schema.getType().getName());
      return null;
    }
    return schema;
  }

  /**
   * The writer schemas of the files {@code ID.avsc} in {@code dir}, each one the reader schema can
   * read (Avro's schema resolution: fields added with a default, removed, or promoted).
   */
  private static SortedMap<Integer, String> writerSchemas(
      ConfigReader r, Path dir, Schema reader, Path schemaFile) {
    SortedMap<Integer, String> writers = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      r.problem(
          SOURCE_AVRO_SCHEMAS_DIR,
          "folder not found: " + dir + " (it holds one ID.avsc writer schema per schema id)");
      return writers;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      r.problem(SOURCE_AVRO_SCHEMAS_DIR, "cannot list " + dir + ": " + e.getMessage());
      return writers;
    }
    for (Path file : files) {
      Matcher m = SCHEMA_ID.matcher(file.getFileName().toString());
      long id = m.matches() ? Long.parseLong(m.group(1)) : -1;
      if (id < 0 || id > Integer.MAX_VALUE) {
        r.problem(
            SOURCE_AVRO_SCHEMAS_DIR,
            file + " is not named by a schema id (ID.avsc, e.g. 7.avsc, ID at most 2147483647)");
        continue;
      }
      Schema writer = parse(r, SOURCE_AVRO_SCHEMAS_DIR, file);
      if (writer == null || reader == null) {
        continue;
      }
      SchemaCompatibility.SchemaPairCompatibility compatible =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (compatible.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        r.problem(
            SOURCE_AVRO_SCHEMAS_DIR,
            file
                + " (schema id "
                + id
                + ") cannot be read as "
                + schemaFile.getFileName()
                + ": "
                + describe(compatible.getResult().getIncompatibilities().get(0)));
        continue;
      }
      writers.put((int) id, writer.toString());
    }
    if (files.isEmpty()) {
      r.problem(
          SOURCE_AVRO_SCHEMAS_DIR,
          dir + " holds no ID.avsc file (one writer schema per schema id)");
    }
    return writers;
  }

  /** E.g. {@code TYPE_MISMATCH at /fields/1/type: reader type: BYTES not compatible with ...}. */
  private static String describe(SchemaCompatibility.Incompatibility i) {
    return i.getType()
        + " at "
        + i.getLocation()
        + ": "
        + PipelineFileReader.firstLine(i.getMessage());
  }

  /**
   * The event columns as a Spark DDL string: the reader schema's fields mapped by Spark's Avro
   * mapping (top-level columns nullable, as for JSON), the event time a TIMESTAMP: an Avro {@code
   * timestamp-millis} or {@code timestamp-micros} (or their {@code local-} forms, TIMESTAMP_NTZ),
   * or a plain {@code long} read as epoch milliseconds. Null with a problem when it does not fit.
   */
  private static String eventColumns(
      ConfigReader r, Schema reader, Path schemaFile, String eventTime) {
    StructType mapped;
    try {
      mapped = (StructType) SchemaConverters.toSqlType(reader).dataType();
    } catch (RuntimeException e) { // e.g. a recursive record, which Spark cannot map
      r.problem(
          SOURCE_AVRO_SCHEMA_FILE,
          "cannot map "
              + schemaFile
              + " to Spark types: "
              + PipelineFileReader.firstLine(e.getMessage()));
      return null;
    }
    StructType columns = new StructType();
    boolean found = false;
    for (StructField f : mapped.fields()) {
      DataType type = f.dataType();
      if (f.name().equals(eventTime)) {
        found = true;
        if (type.equals(DataTypes.LongType)) {
          type = DataTypes.TimestampType; // epoch milliseconds, see the decoder
        } else if (!type.equals(DataTypes.TimestampType)
            && !type.equals(DataTypes.TimestampNTZType)) {
          r.problem(
              SOURCE_EVENT_TIME,
              "column '"
                  + eventTime
                  + "' must be a timestamp-millis or timestamp-micros (or a long of epoch"
                  + " milliseconds) in "
                  + schemaFile.getFileName()
                  + ", is "
                  + reader.getField(f.name()).schema());
          return null;
        }
      }
      columns = columns.add(f.name(), type, true, f.metadata());
    }
    if (eventTime != null && !found) {
      r.problem(
          SOURCE_EVENT_TIME,
          "column '"
              + eventTime
              + "' is not a field of "
              + schemaFile.getFileName()
              + " "
              + List.of(mapped.fieldNames()));
      return null;
    }
    return eventTime == null ? null : columns.toDDL();
  }
}
