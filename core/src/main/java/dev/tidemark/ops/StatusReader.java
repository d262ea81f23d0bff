package dev.tidemark.ops;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.LakeFileSystem;
import dev.tidemark.source.PipelineTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds a {@link PipelineStatus} from what is in the lake: the result table's Delta metadata, the
 * metrics table, the quarantine table and the bronze tables of the pipeline's topics. Reads only,
 * with Delta Kernel ({@link LakeTables}): needs no running stream and starts no Spark. A reader
 * reads the metrics table once, at its first {@link #read}.
 */
public final class StatusReader {
  /** Batches looked at for the state-growth warning. */
  static final int GROWTH_WINDOW = 6;

  private final LakeTables tables;
  private final Configuration hadoop;
  private final TidemarkConfig config;
  private final Clock clock;
  private RecordedBatches metrics;

  public StatusReader(TidemarkConfig config) {
    this(config, Clock.systemUTC());
  }

  /** A reader that judges the watermark against {@code clock}. */
  public StatusReader(TidemarkConfig config, Clock clock) {
    // One Hadoop configuration for every read: each new one parses Hadoop's XML defaults again.
    this.hadoop = LakeFileSystem.hadoopConf(config);
    this.tables = new LakeTables(hadoop);
    this.config = config;
    this.clock = clock;
  }

  public PipelineStatus read(PipelineSpec spec) {
    String path = config.tablePath(spec);
    List<String> warnings = new ArrayList<>();
    Optional<LakeTables.Facts> table = tables.facts(path);
    if (table.isEmpty()) {
      warnings.add("no table yet at " + path);
    }
    long quarantined =
        tables.facts(config.quarantinePath(spec)).map(LakeTables.Facts::rows).orElse(0L);

    RecordedBatches.Query gold = metrics().of(spec.name(), "gold");
    RecordedBatches.Batch last = gold.last().orElse(null);
    // The newest batch that read anything: idle batches read 0 rows/s.
    Double rate = gold.newestBusy().map(RecordedBatches.Batch::rowsPerSecond).orElse(null);
    List<Long> recentState = gold.newest().stream().map(RecordedBatches.Batch::stateRows).toList();
    Instant watermark = last == null ? null : last.watermark();
    watermarkAhead(spec, watermark, clock.instant()).ifPresent(warnings::add);
    if (last == null) {
      warnings.add("no batches recorded in " + config.metricsPath());
    } else if (stateKeepsGrowing(recentState)) {
      warnings.add(
          "state keeps growing over the last "
              + recentState.size()
              + " batches ("
              + recentState.get(recentState.size() - 1)
              + " -> "
              + recentState.get(0)
              + " rows): check that the watermark advances and the SQL groups by an event-time window");
    }
    return new PipelineStatus(
        spec.name(),
        spec.sink().table(),
        path,
        table.map(LakeTables.Facts::version).orElse(null),
        table.map(LakeTables.Facts::files).orElse(null),
        table.map(LakeTables.Facts::sizeBytes).orElse(null),
        config.checkpointPath(spec, "gold"),
        last == null ? null : last.batchTime(),
        last == null ? null : gold.batches(),
        rate,
        watermark,
        last == null ? null : last.lagSeconds(),
        last == null ? null : last.offsetsBehind(),
        last == null ? null : last.stateRows(),
        quarantined,
        gold.lateDropped(),
        PipelineTopics.inBronze(hadoop, config, spec).stream().map(this::bronze).toList(),
        warnings,
        spec.source().describeFormat(),
        spec.dimensions().stream().map(d -> dimension(d, warnings)).toList());
  }

  private DimensionStatus dimension(DimensionSpec d, List<String> warnings) {
    String path = config.dimensionPath(d);
    Optional<LakeTables.Facts> table = tables.facts(path);
    if (table.isEmpty()) {
      warnings.add(
          "dimension "
              + d.name()
              + ": no table at "
              + path
              + d.seed()
                  .map(seed -> " (the pipeline's first run creates it from the seed " + seed + ")")
                  .orElse(" (validate refuses it)"));
      return new DimensionStatus(d.name(), path, d.key(), null, null);
    }
    return new DimensionStatus(d.name(), path, d.key(), table.get().version(), table.get().rows());
  }

  private BronzeStatus bronze(String topic) {
    String path = config.bronzePath(topic);
    Optional<LakeTables.Facts> table = tables.facts(path);
    if (table.isEmpty()) {
      return new BronzeStatus(topic, path, null, null, null, null, null);
    }
    RecordedBatches.Batch last =
        metrics().of(BatchMetrics.BRONZE_PREFIX + topic, "bronze").last().orElse(null);
    return new BronzeStatus(
        topic,
        path,
        table.get().version(),
        table.get().sizeBytes(),
        table.get().rows(),
        last == null ? null : last.batchTime(),
        last == null ? null : last.offsetsBehind());
  }

  private RecordedBatches metrics() {
    if (metrics == null) {
      metrics = RecordedBatches.read(tables, config.metricsPath(), GROWTH_WINDOW);
    }
    return metrics;
  }

  /**
   * The warning for a watermark ahead of the wall clock: only an event time in the future (a
   * producer's clock running ahead, stamping both the event and, on CreateTime topics, its Kafka
   * timestamp) puts it there, and from then on the stream drops every on-time event as late.
   */
  static Optional<String> watermarkAhead(PipelineSpec spec, Instant watermark, Instant now) {
    if (watermark == null || !watermark.isAfter(now)) {
      return Optional.empty();
    }
    long s = Duration.between(now, watermark).toSeconds();
    return Optional.of(
        String.format(
            "watermark %s is %dh %02dm %02ds ahead of the clock (%s): an event time in the future"
                + " moved it (a producer's clock running ahead), and the stream drops every event"
                + " behind it as late. Fix the producer's clock (or lower"
                + " source.max-event-time-ahead), then run `tidemark repair -p %s`: it finds the"
                + " events dropped behind this watermark in bronze",
            watermark,
            s / 3600,
            (s % 3600) / 60,
            s % 60,
            now.truncatedTo(ChronoUnit.SECONDS),
            spec.name()));
  }

  /**
   * Newest first: growing means every batch had more state than the one before it, and 2x overall.
   */
  static boolean stateKeepsGrowing(List<Long> newestFirst) {
    if (newestFirst.size() < GROWTH_WINDOW) {
      return false;
    }
    for (int i = 0; i + 1 < newestFirst.size(); i++) {
      if (newestFirst.get(i) <= newestFirst.get(i + 1)) {
        return false;
      }
    }
    return newestFirst.get(0) >= 2 * Math.max(1, newestFirst.get(newestFirst.size() - 1));
  }
}
