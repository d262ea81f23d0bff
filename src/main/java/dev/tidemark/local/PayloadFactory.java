package dev.tidemark.local;

import java.time.Instant;
import java.util.Random;

/** The use-case specific part of a sample stream: a record key and a JSON payload. */
interface PayloadFactory {
  String key(Random random);

  /** A well-formed JSON payload for {@code key} at {@code eventTime}. */
  String payload(Random random, String key, Instant eventTime);

  /** A payload whose one typed field holds a value of the wrong type. */
  String wrongTypePayload(String key, Instant eventTime);

  /** A payload without the event-time field. */
  String noEventTimePayload(String key);

  /** The same stream over {@code keys} keys picked uniformly, where the generator supports it. */
  default PayloadFactory withKeys(int keys) {
    throw new IllegalArgumentException(getClass().getSimpleName() + " has a fixed key set");
  }
}
