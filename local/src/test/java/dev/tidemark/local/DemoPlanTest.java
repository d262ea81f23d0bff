package dev.tidemark.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.PipelineFixture;
import dev.tidemark.SamplePipelines;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines a user adds (without sample events) are skipped by the demo, not fatal to it. */
class DemoPlanTest {
  @TempDir Path dir;

  @Test
  void theDemoRunsThePipelinesItHasAGeneratorForAndNamesTheOthers() throws IOException {
    // The samples, plus the fixture's pipeline (no demo.generator) and one naming no generator.
    Path conf = new PipelineFixture(dir).write();
    Path pipelines = dir.resolve("pipelines");
    for (String name : SamplePipelines.NAMES) {
      Files.copy(SamplePipelines.dir().resolve(name + ".conf"), pipelines.resolve(name + ".conf"));
      Files.copy(SamplePipelines.dir().resolve(name + ".sql"), pipelines.resolve(name + ".sql"));
    }
    Files.writeString(
        pipelines.resolve("refunds.conf"),
        Files.readString(pipelines.resolve("payments.conf"))
                .replace("name = payments", "name = refunds")
                .replace("table = payments_5m", "table = refunds_5m")
            + "demo.generator = refund-events\n");
    TidemarkConfig config = ConfigLoader.load(conf, Map.of(), Map.of());

    DemoPlan plan = DemoPlan.of(config.pipelines());

    assertEquals(
        List.of("card-velocity", "page-analytics", "sensor-readings"),
        plan.run().stream().map(PipelineSpec::name).toList());
    assertEquals(
        List.of(
            "payments: no demo.generator",
            "refunds: demo.generator 'refund-events' is not one of [card-transactions,"
                + " card-transactions-bench, page-views, sensor-readings]"),
        plan.skipped());
  }

  @Test
  void theDemoReadsEachTopicInSeveralMicroBatchesNeverLargerThanThePipelineSays() {
    PipelineSpec cards =
        dev.tidemark.TestSpark.localConfig().pipeline("card-velocity").orElseThrow();
    PipelineSpec tiny =
        cards.withSource(cards.source().withOptions(Map.of("maxOffsetsPerTrigger", "100")));

    assertEquals(
        "2500",
        DemoPlan.inBatches(cards, 20_000, 8).source().options().get("maxOffsetsPerTrigger"));
    assertEquals(
        "375", DemoPlan.inBatches(cards, 3000, 8).source().options().get("maxOffsetsPerTrigger"));
    assertEquals(
        "100", DemoPlan.inBatches(tiny, 20_000, 8).source().options().get("maxOffsetsPerTrigger"));
    assertEquals(
        "600", DemoPlan.inBatches(cards, 3000, 5).source().options().get("maxOffsetsPerTrigger"));
    assertEquals(cards.source().topics(), DemoPlan.inBatches(cards, 3000, 8).source().topics());
  }
}
