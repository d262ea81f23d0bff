package dev.tidemark.local;

import java.time.Instant;
import java.util.Iterator;
import java.util.Random;

/** The use-case specific part of a sample stream: when and for which key, and a JSON payload. */
interface PayloadFactory {
  /**
   * The key and event time of each of the settings' {@code count} events, in any order. It draws
   * from {@code random}, the stream's one generator, either all at once or lazily on each {@code
   * next()} (then interleaved with the draws of the events' payloads, as {@link
   * Schedules#uniform}).
   */
  Iterator<Occurrence> schedule(GeneratorSettings settings, Random random);

  /** A well-formed JSON payload for the occurrence. */
  String payload(Random random, Occurrence occurrence);

  /** A payload whose one typed field holds a value of the wrong type. */
  String wrongTypePayload(String key, Instant eventTime);

  /** A payload without the event-time field. */
  String noEventTimePayload(String key);

  /** The same stream over {@code keys} keys picked uniformly, where the generator supports it. */
  default PayloadFactory withKeys(int keys) {
    throw new IllegalArgumentException(getClass().getSimpleName() + " has a fixed key set");
  }
}
