package dev.tidemark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Sensor readings as Avro, written with the plain Avro library: two versions of the schema (the
 * second adds an optional {@code battery}) and their values, plain or in Confluent's wire format.
 */
public final class AvroRecords {
  private AvroRecords() {}

  /** Version 1: device, optional site, reading, event time (timestamp-millis). */
  public static final String READING_V1 =
      """
      {"type": "record", "name": "Reading", "namespace": "dev.tidemark.sensors", "fields": [
        {"name": "device_id", "type": "string"},
        {"name": "site", "type": ["null", "string"], "default": null},
        {"name": "reading", "type": "double"},
        {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}}
      ]}
      """;

  /** Version 2, the pipelines' reader schema: version 1 plus an optional battery level. */
  public static final String READING_V2 =
      READING_V1.replace(
          "{\"name\": \"event_time\"",
          "{\"name\": \"battery\", \"type\": [\"null\", \"int\"], \"default\": null},\n"
              + "  {\"name\": \"event_time\"");

  public static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }

  /**
   * A reading of {@code schema} (battery left out of version 1), its event time in epoch millis;
   * the Avro binary encoding of the record alone.
   */
  public static byte[] reading(
      Schema schema, String device, String site, double reading, Integer battery, Instant time) {
    GenericData.Record r = new GenericData.Record(schema);
    r.put("device_id", device);
    r.put("site", site);
    r.put("reading", reading);
    if (schema.getField("battery") != null) {
      r.put("battery", battery);
    }
    r.put("event_time", time.toEpochMilli()); // timestamp-millis, or a plain long of millis
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericData.Record>(schema).write(r, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code payload} in Confluent's wire format: magic byte 0, the id (4 bytes, big-endian). */
  public static byte[] confluent(int id, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(id).put(payload).array();
  }
}
