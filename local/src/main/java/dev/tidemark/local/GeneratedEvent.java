package dev.tidemark.local;

import java.time.Instant;

/**
 * One sample Kafka record: key, payload, and the Kafka timestamp it is sent with (its arrival
 * time). {@code eventTime} is the payload's event time (null for records without one).
 */
public record GeneratedEvent(
    String key, byte[] value, long timestamp, Instant eventTime, Kind kind) {
  /** What the generator meant the record to be. */
  public enum Kind {
    ON_TIME,
    LATE,
    MALFORMED
  }
}
