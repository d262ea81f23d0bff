package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a backfill of 5-minute-gap sessions of the range [10:00, 11:00) may stop reading. */
class SessionReachTest {
  private static final Duration GAP = Duration.ofMinutes(5);
  private static final Instant QUIET_FROM = t("10:55");

  private static Instant t(String hhmm) {
    return Instant.parse("2026-05-04T" + hhmm + ":00Z");
  }

  private static Optional<Instant> end(Instant readEnd, String... times) {
    long[] micros =
        Arrays.stream(times).mapToLong(s -> t(s).toEpochMilli() * 1000).sorted().toArray();
    return SessionReach.end(QUIET_FROM, micros, GAP, readEnd);
  }

  @Test
  void withoutEventsNearTheEndTheReadStopsJustAfterTheRangesEnd() {
    assertEquals(Optional.of(t("11:00").plusMillis(1).minusNanos(1000)), end(t("11:05")));
  }

  @Test
  void aChainOfEventsEachWithinTheGapIsFollowedToItsLastEventPlusTheGap() {
    assertEquals(
        Optional.of(t("11:17").plusMillis(1)),
        end(t("11:30"), "10:57", "11:01", "11:05", "11:08", "11:12", "11:20"));
  }

  @Test
  void aChainReachingTheEndOfWhatWasReadNeedsMore() {
    assertEquals(Optional.empty(), end(t("11:05"), "10:57", "11:01", "11:04"));
    // Exactly one gap apart still counts as one session (conservative).
    assertEquals(Optional.empty(), end(t("11:10"), "10:57", "11:02", "11:07"));
  }
}
