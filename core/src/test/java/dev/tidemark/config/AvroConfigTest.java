package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.PipelineFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.format = avro}: the event columns come from the {@code .avsc} file beside the
 * pipeline, Confluent's writer schemas from a folder of {@code ID.avsc} files; every file and key
 * that is wrong is named, with the exact message.
 */
class AvroConfigTest {
  @TempDir Path dir;

  static final String PAYMENT =
      """
      {"type": "record", "name": "Payment", "fields": [
        {"name": "card_id", "type": "string"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}}
      ]}
      """;

  /** An older writer's payment, with a field the reader schema no longer has (it is skipped). */
  static final String PAYMENT_V1 =
      PAYMENT.replace(
          "{\"name\": \"event_time\"",
          "{\"name\": \"channel\", \"type\": \"string\"},\n  {\"name\": \"event_time\"");

  private PipelineFixture fixture(String sourceSettings) {
    return new PipelineFixture(dir)
        .replaceInPipeline(
            "schema = \"card_id STRING, amount DECIMAL(12,2), event_time TIMESTAMP\"",
            sourceSettings);
  }

  /** Writes the fixture and the files (path relative to the pipelines folder, then content). */
  private Path write(PipelineFixture fixture, String... files) throws IOException {
    Path conf = fixture.write();
    for (int i = 0; i < files.length; i += 2) {
      Path file = dir.resolve("pipelines").resolve(files[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, files[i + 1]);
    }
    return conf;
  }

  private static List<String> problems(Path conf) {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load(conf, Map.of(), Map.of()));
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  private Path pipelines() {
    return dir.resolve("pipelines").toAbsolutePath().normalize();
  }

  @Test
  void aPlainAvroPipelineTakesItsColumnsFromTheSchemaFileBesideIt() throws IOException {
    Path conf = write(fixture("format = avro"), "payments.avsc", PAYMENT);

    SourceSpec source = ConfigLoader.load(conf).pipelines().get(0).source();
    assertEquals("avro", source.format());
    assertEquals("card_id STRING,amount DECIMAL(12,2),event_time TIMESTAMP", source.schemaDdl());
    assertEquals(AvroSpec.WireFormat.PLAIN, source.avro().wireFormat());
    assertEquals(pipelines().resolve("payments.avsc"), source.avro().schemaFile());
    assertEquals("avro, plain (schema payments.avsc)", source.describeFormat());
  }

  @Test
  void confluentWireFormatReadsOneWriterSchemaPerIdThatTheReaderSchemaCanRead() throws IOException {
    Path conf =
        write(
            fixture(
                "format = avro\n  avro { schema-file = schemas/payment.avsc, wire-format ="
                    + " confluent, schemas-dir = schemas/ids }"),
            "schemas/payment.avsc",
            PAYMENT,
            "schemas/ids/1.avsc",
            PAYMENT_V1,
            "schemas/ids/12.avsc",
            PAYMENT);

    SourceSpec source = ConfigLoader.load(conf).pipelines().get(0).source();
    assertEquals(List.of(1, 12), List.copyOf(source.avro().writerSchemas().keySet()));
    assertEquals(
        "avro, Confluent wire format (schema ids [1, 12] from ids/, read as payment.avsc)",
        source.describeFormat());
    assertEquals("card_id STRING,amount DECIMAL(12,2),event_time TIMESTAMP", source.schemaDdl());
  }

  @Test
  void aMissingUnparsableOrNonRecordSchemaFileIsNamed() throws IOException {
    Path file = pipelines().resolve("payments.conf");
    assertEquals(
        List.of(
            file
                + ": source.avro.schema-file: Avro schema file not found: "
                + pipelines().resolve("payments.avsc")),
        problems(write(fixture("format = avro"))));
    assertEquals(
        List.of(
            file
                + ": source.avro.schema-file: "
                + pipelines().resolve("payments.avsc")
                + " must hold an Avro record schema (its fields are the event columns), holds a"
                + " string"),
        problems(write(fixture("format = avro"), "payments.avsc", "\"string\"")));
    List<String> unparsable =
        problems(write(fixture("format = avro"), "payments.avsc", "{\"type\": \"record\""));
    assertEquals(1, unparsable.size(), unparsable.toString());
    assertEquals(
        file
            + ": source.avro.schema-file: cannot parse "
            + pipelines().resolve("payments.avsc")
            + " as an Avro schema: ",
        unparsable.get(0).substring(0, unparsable.get(0).indexOf("schema: ") + 8));
  }

  @Test
  void theEventTimeMustBeATimestampOrALongFieldOfTheSchema() throws IOException {
    Path file = pipelines().resolve("payments.conf");
    assertEquals(
        List.of(
            file
                + ": source.event-time: column 'event_time' must be a timestamp-millis or"
                + " timestamp-micros (or a long of epoch milliseconds) in payments.avsc, is"
                + " \"string\""),
        problems(
            write(
                fixture("format = avro"),
                "payments.avsc",
                PAYMENT.replace(
                    "{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}", "\"string\""))));
    assertEquals(
        List.of(
            file
                + ": source.event-time: column 'ts' is not a field of payments.avsc [card_id,"
                + " amount, event_time]"),
        problems(
            write(
                fixture("format = avro")
                    .replaceInPipeline("event-time = event_time", "event-time = ts"),
                "payments.avsc",
                PAYMENT)));
  }

  @Test
  void settingsOfTheOtherFormatAreRefusedNamingTheKey() throws IOException {
    Path file = pipelines().resolve("payments.conf");
    assertEquals(
        List.of(
            file
                + ": source.schema: is not read with source.format = avro: the event columns are"
                + " the fields of the Avro schema file (source.avro.schema-file, default"
                + " payments.avsc)"),
        problems(
            write(
                fixture("format = avro\n  schema = \"card_id STRING, event_time TIMESTAMP\""),
                "payments.avsc",
                PAYMENT)));
    assertEquals(
        List.of(
            file + ": source.format: unsupported payload format 'protobuf'; 'json' or 'avro' are",
            file + ": source.avro.wire-format: is read only with source.format = avro"),
        problems(
            write(
                new PipelineFixture(dir)
                    .replaceInPipeline(
                        "topics = [payments]",
                        "topics = [payments]\n  format = protobuf\n  avro.wire-format = confluent"))));
    assertEquals(
        List.of(
            file
                + ": source.avro.wire-format: unknown value 'registry'; expected one of [plain,"
                + " confluent]",
            file
                + ": source.avro.schemas-dir: is read only with source.avro.wire-format = confluent"),
        problems(
            write(
                fixture("format = avro\n  avro { wire-format = registry, schemas-dir = ids }"),
                "payments.avsc",
                PAYMENT)));
  }

  @Test
  void confluentSchemaFilesThatAreMissingMisnamedOrIncompatibleAreNamed() throws IOException {
    Path file = pipelines().resolve("payments.conf");
    String confluent = "format = avro\n  avro.wire-format = confluent";
    assertEquals(
        List.of(
            file
                + ": source.avro.schemas-dir: folder not found: "
                + pipelines().resolve("payments-schemas")
                + " (it holds one ID.avsc writer schema per schema id)"),
        problems(write(fixture(confluent), "payments.avsc", PAYMENT)));
    Path ids = pipelines().resolve("payments-schemas");
    assertEquals(
        List.of(
            file
                + ": source.avro.schemas-dir: "
                + ids.resolve("3.avsc")
                + " (schema id 3) cannot be read as payments.avsc: TYPE_MISMATCH at /fields/1/type: reader"
                + " type: BYTES not compatible with writer type: INT",
            file
                + ": source.avro.schemas-dir: "
                + ids.resolve("latest.avsc")
                + " is not named by a schema id (ID.avsc, e.g. 7.avsc, ID at most 2147483647)"),
        problems(
            write(
                fixture(confluent),
                "payments.avsc",
                PAYMENT,
                "payments-schemas/2.avsc",
                PAYMENT,
                "payments-schemas/3.avsc",
                PAYMENT.replace(
                    "{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 12,"
                        + " \"scale\": 2}",
                    "\"int\""),
                "payments-schemas/latest.avsc",
                PAYMENT)));
  }
}
