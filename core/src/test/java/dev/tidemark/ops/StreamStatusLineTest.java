package dev.tidemark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamStatusLineTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:30:00Z");
  static final Instant WATERMARK = Instant.parse("2026-12-01T10:26:30Z");

  /** One batch of one query: what the status line reads of it, the rest zero. */
  static BatchMetrics batch(
      String pipeline,
      String query,
      long inputRows,
      Instant watermark,
      Double lagSeconds,
      long late,
      Long quarantined,
      Long behind) {
    return new BatchMetrics(
        pipeline,
        query,
        "id",
        0,
        NOW,
        inputRows,
        0,
        0,
        0,
        0,
        0,
        watermark,
        lagSeconds,
        0,
        0,
        late,
        null,
        quarantined,
        quarantined,
        behind);
  }

  @Test
  void onePipelineLinePerIntervalWithRateBehindWatermarkAndTotalsSinceStart() {
    StreamStatusLine status = new StreamStatusLine();
    status.add(batch("card-velocity", "gold", 20_000, WATERMARK, 210.0, 2, 7L, 1_500L));
    status.add(batch("card-velocity", "gold", 10_000, WATERMARK, 215.0, 1, 3L, 0L));
    status.add(batch("bronze:card-transactions", "bronze", 30_000, null, null, 0, null, 0L));

    assertEquals(
        List.of(
            "10:30:00 card-velocity: 1,000 events/s, 0 behind, watermark 2026-12-01 10:26:30"
                + " (3 min 35 s behind the clock), 3 late, 10 quarantined",
            "10:30:00 bronze:card-transactions: 1,000 events/s, 0 behind"),
        status.lines(NOW, Duration.ofSeconds(30)));
  }

  @Test
  void aQuarantineQueryCountsItsRecordsButNotItsReadsAndANewIntervalStartsIdle() {
    StreamStatusLine status = new StreamStatusLine();
    status.add(batch("sensors", "gold", 600, WATERMARK, 5.0, 0, null, 0L));
    status.add(batch("sensors", "quarantine", 600, null, null, 0, 4L, 0L));
    assertEquals(
        List.of(
            "10:30:00 sensors: 60 events/s, 0 behind, watermark 2026-12-01 10:26:30 (5 s behind"
                + " the clock), 0 late, 4 quarantined"),
        status.lines(NOW, Duration.ofSeconds(10)));

    assertEquals(
        List.of(
            "10:30:10 sensors: idle, 0 behind, watermark 2026-12-01 10:26:30 (5 s behind the"
                + " clock), 0 late, 4 quarantined"),
        status.lines(NOW.plusSeconds(10), Duration.ofSeconds(10)));
  }
}
