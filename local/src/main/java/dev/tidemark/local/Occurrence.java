package dev.tidemark.local;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When an event of a sample stream happens and to which key, before its payload is made.
 *
 * @param eventTime truncated to milliseconds (the JSON payload's precision)
 * @param unusual the generator meant it to stand out (a card's burst of payments); the payload
 *     factory decides what that looks like
 */
record Occurrence(String key, Instant eventTime, boolean unusual) {
  Occurrence {
    eventTime = eventTime.truncatedTo(ChronoUnit.MILLIS);
  }
}
