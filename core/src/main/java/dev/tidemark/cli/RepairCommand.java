package dev.tidemark.cli;

import dev.tidemark.config.Durations;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.RepairPlan;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.LakeFileSystem;
import dev.tidemark.run.LakeLayout;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.RepairRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "repair",
    description = {
      "Recompute the windows a stream computed without its late events, from bronze.",
      "Scans the bronze records ingested since the pipeline's last repair for events the stream"
          + " dropped as late: behind the watermark the stream had when they reached Kafka (from the"
          + " metrics table), or with an event time more than the watermark delay behind their"
          + " Kafka timestamp. Then backfills exactly the windows that contain them and that the"
          + " stream has closed; late events of windows still open wait for the next repair.",
      "Same lock as backfill (one at a time per pipeline, exit code 3), resumable after a crash,"
          + " idempotent: a second run finds nothing new and changes nothing.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark repair --pipeline sensor-readings",
      "  tidemark repair -p card-velocity --dry-run    # list the windows, change nothing"
    })
final class RepairCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Option(
      names = "--dry-run",
      description = "Find the late events and the windows to recompute; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    RepairPlan.of(List.of(), spec.window(), null); // rejects session windows before anything starts
    try (LakeLock lock =
            LakeLock.acquire(
                LakeFileSystem.of(config),
                LakeLayout.of(config).rewriteLock(target.name()),
                "repair " + target.name());
        PipelineRuntime runtime =
            PipelineRuntime.open(config, "tidemark-repair-" + target.name(), List.of(spec))) {
      RepairRunner.Result r =
          new RepairRunner(runtime.spark(), config).run(spec, dryRun, this::report);
      RepairPlan plan = r.plan();
      output
          .out()
          .printf(
              "repair %s: %d bronze records scanned since the last repair, %d late (behind the"
                  + " stream's watermark when they reached Kafka, or event time more than %s behind"
                  + " it) in %d windows; stream watermark %s%n",
              target.name(),
              r.scanned(),
              plan.lateRecords() + plan.deferredRecords(),
              Durations.describe(spec.source().watermarkDelay()),
              plan.windows(),
              r.watermark() == null ? "none (no stream checkpoint)" : r.watermark());
      for (RepairPlan.Range range : plan.ranges()) {
        output
            .out()
            .printf(
                "  %s %s: %d windows, %d late records%n",
                dryRun ? "would recompute" : "recomputed",
                range.windows(),
                range.windowCount(),
                range.lateRecords());
      }
      output
          .out()
          .printf(
              "repair %s %s: %d windows in %d ranges from bronze, %d rows written to %s; %d late"
                  + " records of windows still open deferred to the next repair%n",
              target.name(),
              dryRun ? "dry run" : "done",
              plan.windows(),
              plan.ranges().size(),
              r.rowsWritten(),
              config.tablePath(spec),
              plan.deferredRecords());
      if (!dryRun) {
        DownstreamNotice.print(
            output.out(),
            config,
            spec,
            "repair",
            plan.ranges().stream().map(RepairPlan.Range::windows).toList());
      }
    }
    return 0;
  }

  private void report(BackfillRunner.Chunk c) {
    output.out().printf("repair %s range %s%n", target.name(), c.summary());
  }
}
