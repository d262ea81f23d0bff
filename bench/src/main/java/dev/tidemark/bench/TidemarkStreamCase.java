package dev.tidemark.bench;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.StreamRunner;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tidemark's stream exactly as {@code tidemark stream --available-now} runs it ({@link
 * PipelineRuntime}, {@link StreamRunner}: result and quarantine queries, metrics listener) over the
 * loaded topic, from an empty checkpoint until caught up. Timed from starting the queries to both
 * ending. Fails unless the result query read every loaded record and wrote rows.
 */
final class TidemarkStreamCase implements BenchCase {
  private static final Logger LOG = LoggerFactory.getLogger(TidemarkStreamCase.class);
  private final BenchContext ctx;
  private final OutputMode mode;

  TidemarkStreamCase(BenchContext ctx, OutputMode mode) {
    this.ctx = ctx;
    this.mode = mode;
  }

  @Override
  public String id() {
    return "tidemark-stream-" + mode.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String label() {
    return "Tidemark streaming, "
        + (mode == OutputMode.UPDATE ? "update mode (open windows rewritten)" : "append mode")
        + ", availableNow";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) throws Exception {
    String name = id() + "-" + run;
    TidemarkConfig config = ctx.configFor(name);
    PipelineSpec spec = withMode(ctx.spec(config));
    try (PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-bench", List.of(spec))) {
      StreamRunner streams = new StreamRunner(runtime.spark(), config);
      meter.begin();
      RunningPipeline running = streams.start(spec, TriggerSpec.availableNowTrigger());
      running.awaitTermination();
      meter.end();
      long read = QueryStats.inputRows(running.gold());
      if (read != ctx.events()) {
        throw new IllegalStateException(
            id() + " read " + read + " records of the " + ctx.events() + " loaded");
      }
      long rows = runtime.spark().read().format("delta").load(config.tablePath(spec)).count();
      if (rows == 0) {
        throw new IllegalStateException(id() + " wrote no rows to " + config.tablePath(spec));
      }
      LOG.info("bench {}: {} rows in {}", id(), rows, config.tablePath(spec));
      return QueryStats.state(running.gold());
    } finally {
      ctx.clean(name);
    }
  }

  private PipelineSpec withMode(PipelineSpec spec) {
    return spec.withSink(spec.sink().withOutputMode(mode));
  }
}
