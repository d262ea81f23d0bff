package dev.tidemark.pipeline;

import dev.tidemark.config.Durations;
import dev.tidemark.config.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A half-open range {@code [from, to)} of window starts, and what a backfill must read to recompute
 * exactly the windows that start in it.
 *
 * <p>Both ends are aligned to the window slide (windows start at multiples of the slide since the
 * epoch), so every window belongs to exactly one range of a partition of time into ranges.
 */
public record WindowRange(Instant from, Instant to, WindowSpec window) {

  public WindowRange {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
    }
    long slide = window.slide().toMillis();
    if (window.type() != WindowSpec.Type.SESSION) {
      for (Instant t : List.of(from, to)) {
        if (t.toEpochMilli() % slide != 0) {
          throw new IllegalArgumentException(
              t
                  + " is not on a window boundary; windows start every "
                  + window.slide().toMinutes()
                  + " min, e.g. "
                  + Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), slide) * slide));
        }
      }
    }
  }

  /** The range widened to window boundaries: from rounded down, to rounded up. */
  public static WindowRange covering(Instant from, Instant to, WindowSpec window) {
    long slide = window.type() == WindowSpec.Type.SESSION ? 1 : window.slide().toMillis();
    long f = Math.floorDiv(from.toEpochMilli(), slide) * slide;
    long t = -Math.floorDiv(-to.toEpochMilli(), slide) * slide;
    return new WindowRange(
        Instant.ofEpochMilli(f), Instant.ofEpochMilli(Math.max(t, f + slide)), window);
  }

  /** First event time that can fall in a window starting in the range. */
  public Instant eventTimeFrom() {
    return from.minus(window.leadIn());
  }

  /** Event time after which no event can fall in a window starting in the range (exclusive). */
  public Instant eventTimeTo() {
    return switch (window.type()) {
      case SESSION -> to.plus(window.size());
      case TUMBLING -> to;
      case SLIDING -> to.minus(window.slide()).plus(window.size());
    };
  }

  /**
   * The windows of the range that a stream with this watermark has not closed yet (their end is
   * after it), as a range, if any. A session's end is at least its start plus the gap, so for
   * session windows this names the sessions that cannot have closed.
   */
  public Optional<WindowRange> notClosedBy(Instant watermark) {
    long w = watermark.toEpochMilli();
    long size = window.size().toMillis();
    long slide = window.slide().toMillis();
    long firstOpen =
        window.type() == WindowSpec.Type.SESSION
            ? w - size + 1
            : Math.floorDiv(w - size, slide) * slide + slide;
    if (firstOpen >= to.toEpochMilli()) {
      return Optional.empty();
    }
    return Optional.of(
        new WindowRange(
            Instant.ofEpochMilli(Math.max(from.toEpochMilli(), firstOpen)), to, window));
  }

  /** The end of the range's last window (for session windows, the earliest it can end). */
  public Instant lastWindowEnd() {
    return window.type() == WindowSpec.Type.SESSION
        ? to.plus(window.size())
        : to.minus(window.slide()).plus(window.size());
  }

  /**
   * The windows of a pipeline reading this range's pipeline (D39), with event time {@code
   * eventTime} (a column of this pipeline's rows) and windows {@code w}, that hold this range's
   * rows: those rows have that event time in {@code [from, to)} when it is this pipeline's window
   * start column, otherwise (a window end, the newest event of a window, ...) within {@code [from,
   * to + window size)}; the result covers every window of {@code w} containing such a time. For
   * session windows downstream, the sessions that start from one gap before those times (a longer
   * session that began earlier is not covered).
   */
  public WindowRange downstreamOf(String eventTime, WindowSpec w) {
    boolean byStart = eventTime.equals(window.startColumn());
    Instant a = from;
    Instant b = byStart ? to : to.plus(window.size());
    Duration leadIn = w.type() == WindowSpec.Type.SESSION ? w.size() : w.size().minus(w.slide());
    return covering(a.minus(leadIn), b, w);
  }

  /** The Delta replaceWhere predicate selecting exactly this range's rows. */
  public String predicate() {
    return String.format(
        "%s >= TIMESTAMP '%s' AND %s < TIMESTAMP '%s'",
        window.startColumn(), sqlTimestamp(from), window.startColumn(), sqlTimestamp(to));
  }

  /** Splits the range into consecutive chunks of at most {@code chunk}, each window-aligned. */
  public List<WindowRange> chunks(Duration chunk) {
    long step = chunk.toMillis();
    long slide = window.slide().toMillis();
    if (window.type() != WindowSpec.Type.SESSION && step % slide != 0) {
      throw new IllegalArgumentException(
          "chunk "
              + Durations.describe(chunk)
              + " must be a multiple of the window slide "
              + Durations.describe(window.slide()));
    }
    List<WindowRange> out = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plusMillis(step)) {
      Instant end = t.plusMillis(step).isAfter(to) ? to : t.plusMillis(step);
      out.add(new WindowRange(t, end, window));
    }
    return out;
  }

  private static String sqlTimestamp(Instant t) {
    // ISO-8601 with an explicit Z, so the predicate does not depend on the session time zone.
    return t.toString();
  }

  @Override
  public String toString() {
    return "[" + from + ", " + to + ")";
  }
}
