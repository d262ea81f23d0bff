package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.config.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowRangeTest {
  private static final WindowSpec SLIDING_10_1 =
      new WindowSpec(
          WindowSpec.Type.SLIDING, Duration.ofMinutes(10), Duration.ofMinutes(1), "window_start");
  private static final WindowSpec TUMBLING_5 =
      new WindowSpec(
          WindowSpec.Type.TUMBLING, Duration.ofMinutes(5), Duration.ofMinutes(5), "window_start");
  private static final WindowSpec SESSION_15 =
      new WindowSpec(
          WindowSpec.Type.SESSION, Duration.ofMinutes(15), Duration.ofMinutes(15), "window_start");

  private static Instant t(String hhmm) {
    return Instant.parse("2026-11-25T" + hhmm + ":00Z");
  }

  @Test
  void aDownstreamBackfillCoversEveryWindowHoldingTheRewrittenRows() {
    WindowSpec hourly =
        new WindowSpec(
            WindowSpec.Type.TUMBLING, Duration.ofHours(1), Duration.ofHours(1), "window_start");
    WindowRange minutes = new WindowRange(t("10:20"), t("11:05"), TUMBLING_5);
    // Event time = the upstream's window start: its rows lie in [10:20, 11:05).
    assertEquals(
        new WindowRange(t("10:00"), t("12:00"), hourly),
        minutes.downstreamOf("window_start", hourly));
    // Another column (a window end): up to one upstream window further.
    assertEquals(
        new WindowRange(t("10:00"), t("12:00"), hourly),
        new WindowRange(t("10:20"), t("11:00"), TUMBLING_5).downstreamOf("window_end", hourly));
    assertEquals(
        new WindowRange(t("10:00"), t("11:00"), hourly),
        new WindowRange(t("10:20"), t("10:55"), TUMBLING_5).downstreamOf("window_end", hourly));
    // Sliding windows downstream: also the windows that started up to size - slide before.
    assertEquals(
        new WindowRange(t("10:11"), t("11:05"), SLIDING_10_1),
        minutes.downstreamOf("window_start", SLIDING_10_1));
  }

  @Test
  void tumblingWindowsNeedExactlyTheRangesEvents() {
    WindowRange r = new WindowRange(t("10:00"), t("11:00"), TUMBLING_5);
    assertEquals(t("10:00"), r.eventTimeFrom());
    assertEquals(t("11:00"), r.eventTimeTo());
  }

  @Test
  void slidingWindowsStartingInTheRangeReachOneWindowMinusOneSlidePastItsEnd() {
    // Last window starting in range: [10:59, 11:09) — its events end at 11:09.
    WindowRange r = new WindowRange(t("10:00"), t("11:00"), SLIDING_10_1);
    assertEquals(t("10:00"), r.eventTimeFrom());
    assertEquals(t("11:09"), r.eventTimeTo());
  }

  @Test
  void sessionWindowsReadOneGapOnEachSide() {
    WindowRange r = new WindowRange(t("10:00"), t("11:00"), SESSION_15);
    assertEquals(t("09:45"), r.eventTimeFrom());
    assertEquals(t("11:15"), r.eventTimeTo());
  }

  @Test
  void predicateSelectsWindowStartsInTheHalfOpenRangeIndependentOfTimeZone() {
    WindowRange r = new WindowRange(t("10:00"), t("11:00"), TUMBLING_5);
    assertEquals(
        "window_start >= TIMESTAMP '2026-11-25T10:00:00Z' AND window_start < TIMESTAMP '2026-11-25T11:00:00Z'",
        r.predicate());
  }

  @Test
  void boundsOffTheWindowGridAreRejectedWithTheNearestBoundary() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WindowRange(t("10:02"), t("11:00"), TUMBLING_5));
    assertTrue(e.getMessage().contains("2026-11-25T10:00:00Z"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new WindowRange(t("11:00"), t("10:00"), TUMBLING_5));
    assertThrows(
        IllegalArgumentException.class, () -> new WindowRange(t("10:00"), t("10:00"), TUMBLING_5));
  }

  @Test
  void coveringWidensToTheGrid() {
    WindowRange r = WindowRange.covering(t("10:02"), t("10:58"), TUMBLING_5);
    assertEquals(t("10:00"), r.from());
    assertEquals(t("11:00"), r.to());
  }

  @Test
  void chunksPartitionTheRangeWithoutGapsOrOverlap() {
    WindowRange r = new WindowRange(t("10:00"), t("12:30"), TUMBLING_5);
    List<WindowRange> chunks = r.chunks(Duration.ofHours(1));
    assertEquals(
        List.of(
            new WindowRange(t("10:00"), t("11:00"), TUMBLING_5),
            new WindowRange(t("11:00"), t("12:00"), TUMBLING_5),
            new WindowRange(t("12:00"), t("12:30"), TUMBLING_5)),
        chunks);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> r.chunks(Duration.ofMinutes(7)));
    assertEquals(
        "chunk 7 minutes must be a multiple of the window slide 5 minutes", e.getMessage());
  }

  @Test
  void theWindowsAWatermarkHasNotClosedAreThoseEndingAfterIt() {
    WindowRange r = new WindowRange(t("10:00"), t("11:00"), TUMBLING_5);
    // 10:37:30: windows ending by then (up to [10:30, 10:35)) are closed.
    Instant w = t("10:37").plusSeconds(30);
    assertEquals(
        java.util.Optional.of(new WindowRange(t("10:35"), t("11:00"), TUMBLING_5)),
        r.notClosedBy(w));
    assertEquals(t("11:00"), r.lastWindowEnd());
    assertEquals(java.util.Optional.empty(), r.notClosedBy(t("11:00")), "at the end: closed");
    assertEquals(java.util.Optional.of(r), r.notClosedBy(t("10:04")));
    // Sliding 10 min every minute: [10:28, 10:38) is the last window closed at 10:38.
    WindowRange s = new WindowRange(t("10:00"), t("11:00"), SLIDING_10_1);
    assertEquals(t("10:29"), s.notClosedBy(t("10:38")).orElseThrow().from());
    assertEquals(t("11:09"), s.lastWindowEnd());
    assertEquals(java.util.Optional.empty(), s.notClosedBy(t("11:09")));
  }
}
