package dev.tidemark.ops;

import static org.apache.spark.sql.functions.col;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.source.PipelineTopics;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Builds a {@link PipelineStatus} from what is in the lake: the result table's Delta metadata, the
 * metrics table, the quarantine table and the bronze tables of the pipeline's topics. Reads only;
 * needs no running stream.
 */
public final class StatusReader {
  /** Batches looked at for the state-growth warning. */
  static final int GROWTH_WINDOW = 6;

  private final SparkSession spark;
  private final TidemarkConfig config;
  private final Clock clock;

  public StatusReader(SparkSession spark, TidemarkConfig config) {
    this(spark, config, Clock.systemUTC());
  }

  /** A reader that judges the watermark against {@code clock}. */
  public StatusReader(SparkSession spark, TidemarkConfig config, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.clock = clock;
  }

  public PipelineStatus read(PipelineSpec spec) {
    String path = config.tablePath(spec);
    List<String> warnings = new ArrayList<>();
    Long version = null;
    Long files = null;
    Long size = null;
    if (DeltaTable.isDeltaTable(spark, path)) {
      version = DeltaTable.forPath(spark, path).history(1).first().getLong(0);
      Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
      files = detail.getLong(detail.fieldIndex("numFiles"));
      size = detail.getLong(detail.fieldIndex("sizeInBytes"));
    } else {
      warnings.add("no table yet at " + path);
    }
    String quarantinePath = config.quarantinePath(spec);
    long quarantined =
        DeltaTable.isDeltaTable(spark, quarantinePath)
            ? spark.read().format("delta").load(quarantinePath).count()
            : 0;

    Row last = null;
    Double rate = null; // of the newest batch that read anything: idle batches read 0 rows/s
    long batches = 0;
    long late = 0;
    List<Long> recentState = List.of();
    if (DeltaTable.isDeltaTable(spark, config.metricsPath())) {
      Dataset<Row> gold =
          spark
              .read()
              .format("delta")
              .load(config.metricsPath())
              .where(col("pipeline").equalTo(spec.name()).and(col("query").equalTo("gold")))
              .cache();
      batches = gold.count();
      if (batches > 0) {
        last = gold.orderBy(col("batch_time").desc(), col("batch_id").desc()).first();
        late = gold.agg(org.apache.spark.sql.functions.sum("late_rows_dropped")).first().getLong(0);
        recentState =
            gold
                .orderBy(col("batch_time").desc(), col("batch_id").desc())
                .limit(GROWTH_WINDOW)
                .select("state_rows")
                .collectAsList()
                .stream()
                .map(r -> r.getLong(0))
                .toList();
      }
      List<Row> busy =
          gold.where("input_rows > 0")
              .orderBy(col("batch_time").desc(), col("batch_id").desc())
              .select("processed_rows_per_second")
              .limit(1)
              .collectAsList();
      rate = busy.isEmpty() ? null : busy.get(0).getDouble(0);
      gold.unpersist();
    }
    Instant watermark = last == null ? null : instant(last, "watermark");
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
        version,
        files,
        size,
        config.checkpointPath(spec, "gold"),
        last == null ? null : instant(last, "batch_time"),
        last == null ? null : batches,
        rate,
        watermark,
        last == null || last.isNullAt(last.fieldIndex("event_time_lag_seconds"))
            ? null
            : last.getDouble(last.fieldIndex("event_time_lag_seconds")),
        last == null || last.isNullAt(last.fieldIndex("offsets_behind_latest"))
            ? null
            : last.getLong(last.fieldIndex("offsets_behind_latest")),
        last == null ? null : last.getLong(last.fieldIndex("state_rows")),
        quarantined,
        late,
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec).stream()
            .map(this::bronze)
            .toList(),
        warnings,
        spec.source().describeFormat());
  }

  private BronzeStatus bronze(String topic) {
    String path = config.bronzePath(topic);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return new BronzeStatus(topic, path, null, null, null, null, null);
    }
    long version = DeltaTable.forPath(spark, path).history(1).first().getLong(0);
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    long size = detail.getLong(detail.fieldIndex("sizeInBytes"));
    long records = spark.read().format("delta").load(path).count();
    Row last = null;
    if (DeltaTable.isDeltaTable(spark, config.metricsPath())) {
      List<Row> rows =
          spark
              .read()
              .format("delta")
              .load(config.metricsPath())
              .where(
                  col("pipeline")
                      .equalTo(BatchMetrics.BRONZE_PREFIX + topic)
                      .and(col("query").equalTo("bronze")))
              .orderBy(col("batch_time").desc(), col("batch_id").desc())
              .limit(1)
              .collectAsList();
      last = rows.isEmpty() ? null : rows.get(0);
    }
    return new BronzeStatus(
        topic,
        path,
        version,
        size,
        records,
        last == null ? null : instant(last, "batch_time"),
        last == null || last.isNullAt(last.fieldIndex("offsets_behind_latest"))
            ? null
            : last.getLong(last.fieldIndex("offsets_behind_latest")));
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

  private static Instant instant(Row row, String field) {
    int i = row.fieldIndex(field);
    return row.isNullAt(i) ? null : ((Timestamp) row.get(i)).toInstant();
  }
}
