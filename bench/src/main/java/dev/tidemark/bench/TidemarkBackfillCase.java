package dev.tidemark.bench;

import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.BackfillRunner;

/**
 * Tidemark's backfill ({@link BackfillRunner}) over the whole event-time range of the loaded
 * events, read from Kafka by timestamp, into an empty table. Fails unless it wrote rows.
 */
final class TidemarkBackfillCase implements BenchCase {
  private final BenchContext ctx;

  TidemarkBackfillCase(BenchContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String id() {
    return "tidemark-backfill-kafka";
  }

  @Override
  public String label() {
    return "Tidemark backfill from Kafka (batch, same range)";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) {
    String name = id() + "-" + run;
    TidemarkConfig config = ctx.configFor(name);
    try {
      BackfillRunner backfill = new BackfillRunner(ctx.spark(), config);
      meter.begin();
      BackfillRunner.Result result = backfill.run(ctx.spec(config), ctx.range());
      meter.end();
      if (result.rowsWritten() == 0) {
        throw new IllegalStateException(id() + " wrote no rows for " + ctx.range());
      }
      return StateSize.NONE;
    } finally {
      ctx.clean(name);
    }
  }
}
