package dev.tidemark.cli;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.LakeFileSystem;
import dev.tidemark.run.LakeLayout;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.PipelineReset;
import dev.tidemark.run.PipelineRuntime;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "reset",
    description = {
      "Full refresh of a pipeline: move its checkpoints aside (CHECKPOINTS/_archive/NAME-TIME),"
          + " rebuild its gold table from bronze over bronze's whole history (the backfill path),"
          + " and let the next stream resume where bronze ends: from the offsets after bronze's"
          + " last records, with the watermark and open windows bronze gives. Nothing is read"
          + " twice, nothing is skipped.",
      "The way out when a stream refuses to start over a table its lost checkpoint wrote. Refused"
          + " (exit 3) while the pipeline's stream, a backfill or a repair of it runs; sliced"
          + " pipelines with a bronze table for every topic only (exit 2 otherwise).",
      ""
    },
    footer = {
      "",
      "Example:",
      "  tidemark reset -p card-velocity && tidemark stream -p card-velocity"
    })
final class ResetCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    FileSystem fs = LakeFileSystem.of(config);
    try (LakeLock stream =
            LakeLock.acquire(
                fs,
                LakeLayout.of(config).streamLock(spec.name()),
                "reset of pipeline " + spec.name(),
                "stream of pipeline '" + spec.name() + "'",
                "Stop the stream first: a reset moves its checkpoint aside.");
        LakeLock backfill =
            LakeLock.acquire(
                fs,
                LakeLayout.of(config).rewriteLock(spec.name()),
                "reset of pipeline " + spec.name());
        PipelineRuntime runtime =
            PipelineRuntime.open(config, "tidemark-reset-" + target.name(), List.of(spec))) {
      PipelineReset.Outcome o = new PipelineReset(runtime.spark(), config).run(spec);
      output
          .out()
          .printf(
              "reset %s: checkpoints %s; rebuilt %s from bronze, %d rows written to %s; the next"
                  + " stream starts at %s with watermark %s%n",
              target.name(),
              o.archivedTo() == null ? "none to move" : "moved to " + o.archivedTo(),
              o.rebuilt() == null ? "no window" : "windows " + o.rebuilt(),
              o.rowsWritten(),
              config.tablePath(spec),
              o.startingOffsets(),
              o.watermark());
      if (o.rebuilt() != null) {
        DownstreamNotice.print(output.out(), config, spec, "reset", List.of(o.rebuilt()));
      }
    }
    return 0;
  }
}
