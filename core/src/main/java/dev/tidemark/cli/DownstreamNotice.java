package dev.tidemark.cli;

import dev.tidemark.config.PipelineChain;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.WindowRange;
import java.io.PrintWriter;
import java.util.List;

/**
 * What to run after a command rewrote windows of a pipeline's table that other pipelines read
 * ({@code source.pipeline}, D39): their streams follow appends only and skip the rewrite's commits,
 * so each reader is told the backfill of its windows that hold the rewritten rows, one line per
 * reader and rewritten range:
 *
 * <pre>
 * next: pipeline sensor-hourly reads sensor-readings, and its stream skips this repair's rewrite: tidemark backfill -p sensor-hourly --from ... --to ...
 * </pre>
 */
final class DownstreamNotice {
  private DownstreamNotice() {}

  /**
   * Prints the backfills the readers of {@code spec} need after {@code what} (a backfill, a repair,
   * a reset) rewrote {@code rewritten}; nothing when no pipeline reads {@code spec}.
   */
  static void print(
      PrintWriter out,
      TidemarkConfig config,
      PipelineSpec spec,
      String what,
      List<WindowRange> rewritten) {
    for (PipelineSpec reader : PipelineChain.readersOf(config.pipelines(), spec.name())) {
      for (WindowRange range : rewritten) {
        WindowRange next = nextFor(reader, range);
        out.printf(
            "next: pipeline %s reads %s, and its stream skips this %s's rewrite:"
                + " tidemark backfill -p %s --from %s --to %s%n",
            reader.name(), spec.name(), what, reader.name(), next.from(), next.to());
      }
    }
  }

  /** The windows of {@code reader} that hold rows of the upstream's rewritten {@code range}. */
  static WindowRange nextFor(PipelineSpec reader, WindowRange range) {
    return range.downstreamOf(reader.source().eventTimeColumn(), reader.window());
  }
}
