package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.SamplePipelines;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.WindowRange;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After a backfill, repair or reset rewrote windows of sensor-readings, the readers of its table
 * (sensor-hourly) are told the backfill of their windows holding the rewritten minutes.
 */
class DownstreamNoticeTest {
  private final TidemarkConfig config =
      ConfigLoader.load(
          TestSpark.projectDir().resolve("conf/local.conf"),
          Map.of(
              ConfigKeys.PIPELINES_DIR,
              SamplePipelines.copy(SamplePipelines.CHAIN, "-notice").toString()));
  private final PipelineSpec minutes = config.pipeline("sensor-readings").orElseThrow();

  @Test
  void eachRewrittenRangeOfAnUpstreamNamesTheBackfillOfTheHoursThatHoldIt() {
    List<WindowRange> repaired =
        List.of(
            range("2026-11-25T10:05:00Z", "2026-11-25T10:07:00Z"),
            range("2026-11-25T11:59:00Z", "2026-11-25T12:01:00Z"));

    assertEquals(
        "next: pipeline sensor-hourly reads sensor-readings, and its stream skips this repair's"
            + " rewrite: tidemark backfill -p sensor-hourly --from 2026-11-25T10:00:00Z --to"
            + " 2026-11-25T11:00:00Z\n"
            + "next: pipeline sensor-hourly reads sensor-readings, and its stream skips this"
            + " repair's rewrite: tidemark backfill -p sensor-hourly --from 2026-11-25T11:00:00Z"
            + " --to 2026-11-25T13:00:00Z\n",
        printed(minutes, "repair", repaired));
  }

  @Test
  void aPipelineNoOneReadsPrintsNothing() {
    PipelineSpec hourly = config.pipeline("sensor-hourly").orElseThrow();

    assertEquals(
        "",
        printed(
            hourly,
            "reset",
            List.of(
                WindowRange.covering(
                    Instant.parse("2026-11-25T10:00:00Z"),
                    Instant.parse("2026-11-25T11:00:00Z"),
                    hourly.window()))));
  }

  private WindowRange range(String from, String to) {
    return WindowRange.covering(Instant.parse(from), Instant.parse(to), minutes.window());
  }

  private String printed(PipelineSpec spec, String what, List<WindowRange> rewritten) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      DownstreamNotice.print(out, config, spec, what, rewritten);
    }
    return text.toString();
  }
}
