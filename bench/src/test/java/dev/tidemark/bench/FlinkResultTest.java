package dev.tidemark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Flink peer's result line: parsing it and judging whether the result is plausible. */
class FlinkResultTest {
  @Test
  void givenAResultLineWhenParsedThenEveryFieldIsRead() {
    FlinkResult r =
        FlinkResult.parse("FLINK_RESULT rows=69853 window_events=49311 files_rows=-1 job_ms=25563");
    assertEquals(new FlinkResult(69853, 49311, -1, 25563), r);
  }

  @Test
  void givenOtherOutputWhenCheckedThenOnlyTheResultLineIsTheResult() {
    assertTrue(FlinkResult.isResult("FLINK_RESULT rows=1 window_events=1 files_rows=1 job_ms=1"));
    assertFalse(FlinkResult.isResult("FLINK_READY"));
    assertThrows(IllegalArgumentException.class, () -> FlinkResult.parse("FLINK_READY"));
  }

  @Test
  void givenAMissingOrMalformedFieldWhenParsedThenItFails() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FlinkResult.parse("FLINK_RESULT rows=1 files_rows=1 job_ms=1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> FlinkResult.parse("FLINK_RESULT rows=x window_events=1 files_rows=1 job_ms=1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> FlinkResult.parse("FLINK_RESULT rows window_events=1 files_rows=1 job_ms=1"));
  }

  @Test
  void givenMostEventsInWindowsAndRowsWhenJudgedThenTheResultIsPlausible() {
    assertNull(new FlinkResult(69853, 49311, 69853, 1).problem(50_000));
    assertNull(new FlinkResult(69825, 49287, -1, 1).problem(50_000));
  }

  @Test
  void givenNoRowsTooFewEventsOrMissingFileRowsWhenJudgedThenTheProblemIsNamed() {
    assertTrue(new FlinkResult(0, 0, -1, 1).problem(50_000).contains("no rows"));
    assertTrue(new FlinkResult(10, 40_000, -1, 1).problem(50_000).contains("40000 events"));
    assertTrue(new FlinkResult(10, 50_001, -1, 1).problem(50_000).contains("50001 events"));
    assertTrue(new FlinkResult(10, 49_000, 9, 1).problem(50_000).contains("files hold 9"));
  }
}
