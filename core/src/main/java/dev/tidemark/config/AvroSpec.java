package dev.tidemark.config;

import java.nio.file.Path;
import java.util.SortedMap;

/**
 * How a pipeline with {@code source.format = avro} reads its Kafka values (see D35).
 *
 * @param schemaFile the {@code .avsc} file of the reader schema ({@code source.avro.schema-file})
 * @param readerSchema the reader schema as Avro JSON: its fields are the event columns
 * @param wireFormat how a value is framed: {@link WireFormat#PLAIN} or {@link WireFormat#CONFLUENT}
 * @param schemasDir with {@link WireFormat#CONFLUENT}, the folder of {@code ID.avsc} files ({@code
 *     source.avro.schemas-dir}); null otherwise
 * @param writerSchemas with {@link WireFormat#CONFLUENT}, each known schema id's writer schema as
 *     Avro JSON, by id; empty otherwise
 */
public record AvroSpec(
    Path schemaFile,
    String readerSchema,
    WireFormat wireFormat,
    Path schemasDir,
    SortedMap<Integer, String> writerSchemas) {

  /** How an Avro value is framed in a Kafka record. */
  public enum WireFormat {
    /** The value is the Avro binary encoding of one record of the reader schema, nothing else. */
    PLAIN,
    /**
     * Confluent's: the magic byte 0, the schema id (4 bytes, big-endian), then the Avro binary
     * encoding of one record of that id's writer schema.
     */
    CONFLUENT
  }

  /** For status and messages: the format, the framing and the schema files. */
  public String describe() {
    return wireFormat == WireFormat.PLAIN
        ? "avro, plain (schema " + schemaFile.getFileName() + ")"
        : "avro, Confluent wire format (schema ids "
            + writerSchemas.keySet()
            + " from "
            + schemasDir.getFileName()
            + "/, read as "
            + schemaFile.getFileName()
            + ")";
  }
}
