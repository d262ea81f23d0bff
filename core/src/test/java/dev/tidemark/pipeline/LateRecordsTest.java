package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.pipeline.LateRecords.WatermarkStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream's watermark over time, as repair reads it from the metrics table. */
class LateRecordsTest {
  private static Instant t(int minute) {
    return Instant.parse("2026-11-25T10:00:00Z").plusSeconds(60L * minute);
  }

  private static WatermarkStep step(int ended, int watermark) {
    return new WatermarkStep(t(ended), t(watermark));
  }

  @Test
  void stepsKeepTheRisesTheLastBeforeTheFirstArrivalAndEveryOneAfter() {
    List<WatermarkStep> batches =
        List.of(
            step(5, 1),
            step(1, 0),
            step(3, 0),
            step(7, 1),
            step(9, 300),
            step(11, 290),
            step(13, 301));
    // Arrivals from minute 6: the step at 5 is the last before them; 7 and 11 do not rise.
    assertEquals(
        List.of(step(5, 1), step(9, 300), step(13, 301)), LateRecords.steps(batches, t(6)));
    assertEquals(List.of(step(9, 300), step(13, 301)), LateRecords.steps(batches, t(10)));
    assertEquals(List.of(), LateRecords.steps(List.of(), t(10)));
  }

  @Test
  void manyStepsAreThinnedKeepingTheFirstAndTheLast() {
    List<WatermarkStep> batches = new ArrayList<>();
    for (int i = 0; i < 3 * LateRecords.MAX_STEPS; i++) {
      batches.add(step(i, i));
    }
    List<WatermarkStep> steps = LateRecords.steps(batches, t(0));
    assertEquals(LateRecords.MAX_STEPS, steps.size());
    assertEquals(step(0, 0), steps.get(0));
    assertEquals(batches.get(batches.size() - 1), steps.get(steps.size() - 1));
  }
}
