package dev.tidemark.pipeline;

import dev.tidemark.config.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which windows a repair recomputes, from the late events found per window slot: every window that
 * contains a late event, merged into contiguous window ranges (each one backfill), each with the
 * latest arrival among its late events so the backfill reads far enough.
 *
 * <p>Only windows the stream has closed are repaired (their end at or before the stream's committed
 * watermark): the stream still owns an open window and would overwrite a repair (update mode) or
 * append the window again (append mode). Late events of open windows are deferred to the next
 * repair. Pure.
 *
 * @param ranges the window ranges to recompute, in time order
 * @param deferred slots left for the next repair
 */
public record RepairPlan(List<Range> ranges, List<Slot> deferred) {

  /** Late events of one topic whose event times fall in {@code [start, start + slide)}. */
  public record Slot(
      String topic, Instant start, long records, Instant maxArrival, Instant minIngest) {}

  /** One range of windows to recompute and how many late events it holds. */
  public record Range(WindowRange windows, long lateRecords, Instant arrivalUntil) {
    /** The number of windows that start in the range. */
    public long windowCount() {
      return Duration.between(windows.from(), windows.to()).toMillis()
          / windows.window().slide().toMillis();
    }
  }

  /**
   * @param watermark the stream's committed watermark; null when no stream has run (every window is
   *     then closed)
   */
  public static RepairPlan of(List<Slot> slots, WindowSpec window, Instant watermark) {
    if (window.type() == WindowSpec.Type.SESSION) {
      throw new IllegalArgumentException(
          "repair recomputes tumbling and sliding windows; a late event can merge session windows"
              + " that started long before it: backfill the session pipeline's range instead");
    }
    List<Slot> closed = new ArrayList<>();
    List<Slot> deferred = new ArrayList<>();
    for (Slot s : slots) {
      boolean isClosed = watermark == null || !s.start().plus(window.size()).isAfter(watermark);
      (isClosed ? closed : deferred).add(s);
    }
    // Slot start -> (late records, latest arrival) across topics.
    Map<Instant, Slot> bySlot = new LinkedHashMap<>();
    closed.stream()
        .sorted(Comparator.comparing(Slot::start))
        .forEach(
            s ->
                bySlot.merge(
                    s.start(),
                    s,
                    (a, b) ->
                        new Slot(
                            a.topic(),
                            a.start(),
                            a.records() + b.records(),
                            later(a.maxArrival(), b.maxArrival()),
                            a.minIngest())));
    List<Range> ranges = new ArrayList<>();
    Instant from = null;
    Instant to = null;
    long records = 0;
    Instant arrival = null;
    for (Slot s : bySlot.values()) {
      // The windows containing an event of this slot start from (slot - size + slide) to slot.
      Instant f = s.start().minus(window.size()).plus(window.slide());
      Instant t = s.start().plus(window.slide());
      if (from != null && !f.isAfter(to)) {
        to = t.isAfter(to) ? t : to;
        records += s.records();
        arrival = later(arrival, s.maxArrival());
        continue;
      }
      if (from != null) {
        ranges.add(new Range(new WindowRange(from, to, window), records, arrival));
      }
      from = f;
      to = t;
      records = s.records();
      arrival = s.maxArrival();
    }
    if (from != null) {
      ranges.add(new Range(new WindowRange(from, to, window), records, arrival));
    }
    return new RepairPlan(List.copyOf(ranges), List.copyOf(deferred));
  }

  public long lateRecords() {
    return ranges.stream().mapToLong(Range::lateRecords).sum();
  }

  public long windows() {
    return ranges.stream().mapToLong(Range::windowCount).sum();
  }

  public long deferredRecords() {
    return deferred.stream().mapToLong(Slot::records).sum();
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }
}
