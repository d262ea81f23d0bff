package dev.tidemark.bench;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.source.ReplaySource;
import java.io.IOException;
import org.apache.hadoop.fs.Path;

/**
 * Tidemark's backfill ({@link BackfillRunner}, {@code --source bronze}) over the whole event-time
 * range of the loaded events, read from the topic's bronze table (see {@link LoadedBronze}) instead
 * of Kafka, into an empty table: the replay path once Kafka's retention has passed. Fails unless it
 * wrote as many rows as the backfill from Kafka would (both are checked to be non-empty).
 */
final class TidemarkBronzeBackfillCase implements BenchCase {
  private final BenchContext ctx;
  private final LoadedBronze bronze;

  TidemarkBronzeBackfillCase(BenchContext ctx, LoadedBronze bronze) {
    this.ctx = ctx;
    this.bronze = bronze;
  }

  @Override
  public String id() {
    return "tidemark-backfill-bronze";
  }

  @Override
  public String label() {
    return "Tidemark backfill from bronze (batch, same range)";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) throws Exception {
    TidemarkConfig config = ctx.configForLake().apply(bronze.lake());
    PipelineSpec spec = ctx.spec(config);
    try {
      BackfillRunner backfill = new BackfillRunner(ctx.spark(), config, ReplaySource.BRONZE);
      meter.begin();
      BackfillRunner.Result result = backfill.run(spec, ctx.range());
      meter.end();
      if (result.rowsWritten() == 0) {
        throw new IllegalStateException(id() + " wrote no rows for " + ctx.range());
      }
      return StateSize.NONE;
    } finally {
      // The next run starts from an empty table again; the bronze table stays.
      Path table = new Path(config.tablePath(spec));
      try {
        table.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration()).delete(table, true);
      } catch (IOException e) {
        throw new IllegalStateException("cannot remove " + table, e);
      }
    }
  }
}
