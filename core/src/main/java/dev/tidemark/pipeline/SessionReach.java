package dev.tidemark.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How far in event time a backfill of session windows must read. A session that starts in the range
 * lasts as long as each of its events comes within the gap of the one before, so it can end long
 * after the range's end plus one gap; a backfill that stopped reading there would compute it
 * shorter than the stream did. A session has ended once a whole gap passes without an event of its
 * key; a gap without an event of <em>any</em> key ends every session that began before it, so the
 * read can stop at the end of the first such quiet gap that starts at or after {@code range end -
 * gap} (sessions starting after it start after the range). Pure.
 */
public final class SessionReach {
  private SessionReach() {}

  /**
   * The end (exclusive) of the event times to read, given the sorted event times (epoch
   * microseconds, any key) read so far from {@code quietFrom} (the range's end minus the gap) up to
   * {@code readEnd} (exclusive); empty when no quiet gap was found before {@code readEnd}, so more
   * must be read.
   */
  public static Optional<Instant> end(
      Instant quietFrom, long[] sortedEventMicros, Duration gap, Instant readEnd) {
    long gapUs = gap.toNanos() / 1000;
    // As if an event came just before quietFrom: every session alive there is followed.
    long last = micros(quietFrom) - 1;
    for (long e : sortedEventMicros) {
      if (e <= last) {
        continue;
      }
      if (e - last > gapUs) {
        return Optional.of(after(last, gapUs));
      }
      last = e;
    }
    return micros(readEnd) - last > gapUs ? Optional.of(after(last, gapUs)) : Optional.empty();
  }

  /** Just after the end of a session whose last event is at {@code lastUs}: it is read whole. */
  private static Instant after(long lastUs, long gapUs) {
    return Instant.EPOCH.plusNanos((lastUs + gapUs) * 1000).plusMillis(1);
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }
}
