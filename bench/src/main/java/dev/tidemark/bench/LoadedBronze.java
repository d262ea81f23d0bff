package dev.tidemark.bench;

import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.run.BronzeIngest;
import dev.tidemark.run.RunningBronze;
import java.nio.file.Path;
import java.util.List;

/**
 * The loaded topic's bronze table: written by {@link BronzeIngestCase} (its last timed run is kept)
 * or, when that row does not run, once untimed on first need; read by {@link
 * TidemarkBronzeBackfillCase}. Each ingest checks that the table holds every loaded record.
 */
final class LoadedBronze {
  private static final String FIXTURE = "bronze-fixture";
  private final BenchContext ctx;
  private String keptRun;

  LoadedBronze(BenchContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Ingests the topic into a fresh lake named {@code run}, timing the ingest with {@code meter}
   * (null: untimed), and keeps that lake for the bronze backfill in place of the previous one.
   */
  void ingest(String run, PhaseMeter meter) throws Exception {
    TidemarkConfig config = ctx.configFor(run);
    try {
      BronzeIngest ingest = new BronzeIngest(ctx.spark(), config);
      if (meter != null) {
        meter.begin();
      }
      RunningBronze running = ingest.start(List.of(ctx.topic()), TriggerSpec.availableNowTrigger());
      running.awaitTermination();
      if (meter != null) {
        meter.end();
      }
      long rows = ctx.spark().read().format("delta").load(config.bronzePath(ctx.topic())).count();
      if (rows != ctx.events()) {
        throw new IllegalStateException(
            "bronze ingest kept " + rows + " records of the " + ctx.events() + " loaded");
      }
    } catch (Exception | Error e) {
      ctx.clean(run);
      throw e;
    }
    if (keptRun != null && !keptRun.equals(run)) {
      ctx.clean(keptRun);
    }
    keptRun = run;
  }

  /** The lake holding the bronze table, ingesting it untimed first if no row has. */
  Path lake() throws Exception {
    if (keptRun == null) {
      ingest(FIXTURE, null);
    }
    return ctx.workDir().resolve(keptRun);
  }

  /** Removes the kept lake once the bench is done with it. */
  void clean() {
    if (keptRun != null) {
      ctx.clean(keptRun);
      keptRun = null;
    }
  }
}
