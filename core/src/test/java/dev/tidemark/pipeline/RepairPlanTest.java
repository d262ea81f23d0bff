package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.config.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairPlanTest {
  private static final WindowSpec SLIDING_10_1 =
      new WindowSpec(
          WindowSpec.Type.SLIDING, Duration.ofMinutes(10), Duration.ofMinutes(1), "window_start");
  private static final WindowSpec TUMBLING_1 =
      new WindowSpec(
          WindowSpec.Type.TUMBLING, Duration.ofMinutes(1), Duration.ofMinutes(1), "window_start");

  private static Instant t(String hhmm) {
    return Instant.parse("2026-11-25T" + hhmm + ":00Z");
  }

  private static RepairPlan.Slot slot(String topic, String start, long records, String arrival) {
    return new RepairPlan.Slot(topic, t(start), records, t(arrival), t(arrival));
  }

  @Test
  void aLateEventInATumblingWindowRepairsThatWindowOnlyAndReadsUntilItsArrival() {
    RepairPlan plan =
        RepairPlan.of(List.of(slot("s", "10:05", 3, "11:05")), TUMBLING_1, t("12:00"));

    assertEquals(1, plan.ranges().size());
    RepairPlan.Range r = plan.ranges().get(0);
    assertEquals(new WindowRange(t("10:05"), t("10:06"), TUMBLING_1), r.windows());
    assertEquals(1, plan.windows());
    assertEquals(3, plan.lateRecords());
    assertEquals(t("11:05"), r.arrivalUntil());
  }

  @Test
  void aLateEventInSlidingWindowsRepairsEveryWindowThatContainsIt() {
    // 10:05:xx is in the windows starting 09:56 ... 10:05.
    RepairPlan plan =
        RepairPlan.of(List.of(slot("s", "10:05", 1, "11:05")), SLIDING_10_1, t("12:00"));

    assertEquals(
        new WindowRange(t("09:56"), t("10:06"), SLIDING_10_1), plan.ranges().get(0).windows());
    assertEquals(10, plan.windows());
  }

  @Test
  void adjacentAndOverlappingSlotsOfAllTopicsMergeIntoOneRangeDistantOnesDoNot() {
    RepairPlan plan =
        RepairPlan.of(
            List.of(
                slot("a", "10:07", 1, "11:30"),
                slot("b", "10:05", 2, "11:05"),
                slot("a", "10:06", 4, "11:00"),
                slot("a", "10:30", 1, "11:40")),
            TUMBLING_1,
            t("12:00"));

    assertEquals(2, plan.ranges().size());
    assertEquals(
        new WindowRange(t("10:05"), t("10:08"), TUMBLING_1), plan.ranges().get(0).windows());
    assertEquals(7, plan.ranges().get(0).lateRecords());
    assertEquals(t("11:30"), plan.ranges().get(0).arrivalUntil());
    assertEquals(
        new WindowRange(t("10:30"), t("10:31"), TUMBLING_1), plan.ranges().get(1).windows());
    assertEquals(4, plan.windows());
  }

  @Test
  void windowsTheStreamHasNotClosedAreDeferredToTheNextRepair() {
    // Watermark 10:15: the windows of slot 10:05 end by 10:15 (closed); of 10:06 by 10:16 (open).
    RepairPlan plan =
        RepairPlan.of(
            List.of(slot("s", "10:05", 1, "10:40"), slot("s", "10:06", 2, "10:41")),
            SLIDING_10_1,
            t("10:15"));

    assertEquals(1, plan.ranges().size());
    assertEquals(t("10:06"), plan.ranges().get(0).windows().to());
    assertEquals(2, plan.deferredRecords());
    assertEquals(t("10:06"), plan.deferred().get(0).start());
  }

  @Test
  void withoutAStreamEveryWindowIsClosedAndWithAnEmptyCheckpointNoneIs() {
    List<RepairPlan.Slot> slots = List.of(slot("s", "10:05", 1, "11:05"));

    assertEquals(1, RepairPlan.of(slots, TUMBLING_1, null).ranges().size());
    assertTrue(RepairPlan.of(slots, TUMBLING_1, Instant.EPOCH).ranges().isEmpty());
  }

  @Test
  void sessionWindowsAreRefusedWithAReason() {
    WindowSpec session =
        new WindowSpec(
            WindowSpec.Type.SESSION,
            Duration.ofMinutes(15),
            Duration.ofMinutes(15),
            "window_start");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RepairPlan.of(List.of(), session, null));
    assertTrue(e.getMessage().contains("backfill"), e.getMessage());
  }
}
