package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.BronzeRecords;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.LateRecords;
import dev.tidemark.pipeline.RepairPlan;
import dev.tidemark.source.PipelineTopics;
import dev.tidemark.source.ReplaySource;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the windows a stream computed without its late events: scans the bronze records ingested
 * since the pipeline's last repair for late events ({@link LateRecords}), plans the closed windows
 * that contain them ({@link RepairPlan}) and recomputes exactly those from bronze through the
 * backfill path, so the table ends as if the events had been on time.
 *
 * <p>Resumable and idempotent: the scan bounds are kept in {@code _tidemark/repairs/PIPELINE/plan}
 * and the ranges done in a journal beside it until the repair finishes, then the bookmark advances
 * (only up to the first late event of a still-open window, which the next repair finds again). Each
 * range is one atomic replaceWhere, so repeating one changes nothing. Every repair that changes
 * something is recorded in {@code LAKE/_metrics/repairs}.
 */
public final class RepairRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RepairRunner.class);

  static final StructType RECORD_SCHEMA =
      new StructType()
          .add("pipeline", DataTypes.StringType)
          .add("repaired_at", DataTypes.TimestampType)
          .add("records_scanned", DataTypes.LongType)
          .add("late_records", DataTypes.LongType)
          .add("windows_repaired", DataTypes.LongType)
          .add("ranges", DataTypes.StringType)
          .add("rows_written", DataTypes.LongType)
          .add("late_records_deferred", DataTypes.LongType)
          .add("stream_watermark", DataTypes.TimestampType);

  private final SparkSession spark;
  private final TidemarkConfig config;

  public RepairRunner(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * What one repair found and did.
   *
   * @param scanned bronze records scanned (ingested since the last repair)
   * @param watermark the watermark under which the stream has written every window that ends at or
   *     before it ({@link BackfillRunner#streamWatermark}), null when no stream has run
   * @param chunks one per range of {@code plan}, in order; empty for a dry run
   */
  public record Result(
      long scanned, RepairPlan plan, Instant watermark, List<BackfillRunner.Chunk> chunks) {
    public long rowsWritten() {
      return chunks.stream()
          .filter(c -> !c.skipped())
          .mapToLong(c -> c.result().rowsWritten())
          .sum();
    }
  }

  /**
   * Finds the windows to repair and, unless {@code dryRun}, recomputes them, reporting each range
   * to {@code progress}.
   */
  public Result run(PipelineSpec spec, boolean dryRun, Consumer<BackfillRunner.Chunk> progress) {
    if (spec.source().fromPipeline()) {
      throw new IllegalArgumentException(
          "repair finds late events in bronze; "
              + spec.name()
              + " reads pipeline "
              + spec.source().pipeline()
              + " and has no bronze. To count rows its stream dropped as late, backfill their"
              + " range from that table: `tidemark backfill -p "
              + spec.name()
              + " --from ... --to ...`.");
    }
    if (!ReplaySource.hasBronze(spark, config, spec)) {
      throw new IllegalArgumentException(
          "repair reads the bronze tables, and "
              + spec.name()
              + " has none for some of "
              + spec.source().describeTopics()
              + ": run `tidemark stream` with tidemark.bronze.enabled=true first");
    }
    FileSystem fs = LakeFileSystem.of(config);
    RepairScanState bookmark =
        new RepairScanState(fs, LakeLayout.of(config).repairBookmark(spec.name()));
    RepairScanState planFile =
        new RepairScanState(fs, LakeLayout.of(config).repairPlan(spec.name()));
    Map<String, Long> from = bookmark.read();
    Map<String, Long> until = planFile.read();
    if (until.isEmpty()) {
      until = newestIngest(spec);
      if (!dryRun) {
        planFile.write(until);
      }
    } else {
      LOG.info("repair {}: resuming the scan up to {}", spec.name(), until);
    }

    Dataset<Row> scan = scan(spec, from, until).cache();
    try {
      long scanned = scan.count();
      EventDecoder decoder = new EventDecoder(spec.source());
      List<RepairPlan.Slot> slots =
          LateRecords.slots(
                  LateRecords.find(
                      decoder.decode(scan),
                      spec.source(),
                      spec.window(),
                      watermarkSteps(spec, scan)),
                  spec.window())
              .collectAsList()
              .stream()
              .map(
                  r ->
                      new RepairPlan.Slot(
                          r.getString(0),
                          r.getTimestamp(1).toInstant(),
                          r.getLong(2),
                          r.getTimestamp(3).toInstant(),
                          r.getTimestamp(4).toInstant()))
              .toList();
      Instant watermark =
          new BackfillRunner(spark, config, ReplaySource.BRONZE).streamWatermark(spec);
      RepairPlan plan = RepairPlan.of(slots, spec.window(), watermark);
      LOG.info(
          "repair {}: {} bronze records scanned, {} late in {} windows, {} deferred (watermark {})",
          spec.name(),
          scanned,
          plan.lateRecords(),
          plan.windows(),
          plan.deferredRecords(),
          watermark);
      if (dryRun) {
        return new Result(scanned, plan, watermark, List.of());
      }
      List<BackfillRunner.Chunk> chunks = recompute(spec, plan, fs, progress);
      bookmark.write(advance(from, until, plan));
      planFile.delete();
      Result result = new Result(scanned, plan, watermark, chunks);
      if (!plan.ranges().isEmpty()) {
        record(spec, result);
      }
      return result;
    } finally {
      scan.unpersist();
    }
  }

  private List<BackfillRunner.Chunk> recompute(
      PipelineSpec spec, RepairPlan plan, FileSystem fs, Consumer<BackfillRunner.Chunk> progress) {
    BackfillJournal journal =
        BackfillJournal.open(fs, LakeLayout.of(config).repairJournal(spec.name()));
    BackfillRunner backfill = new BackfillRunner(spark, config, ReplaySource.BRONZE);
    List<RepairPlan.Range> ranges = plan.ranges();
    return journal.runChunks(
        ranges.stream().map(RepairPlan.Range::windows).toList(),
        i -> backfill.run(spec, ranges.get(i).windows(), ranges.get(i).arrivalUntil()),
        progress);
  }

  /**
   * The stream's watermark over time, from the gold query's batches in the metrics table (batch
   * end: start plus duration), as far as it matters for the records of {@code scan}; empty without
   * a metrics table or records.
   */
  private List<LateRecords.WatermarkStep> watermarkSteps(PipelineSpec spec, Dataset<Row> scan) {
    if (!DeltaTable.isDeltaTable(spark, config.metricsPath())) {
      return List.of();
    }
    Row arrivals = scan.selectExpr("min(timestamp)", "max(timestamp)").first();
    if (arrivals.isNullAt(0)) {
      return List.of();
    }
    Instant firstArrival = arrivals.getTimestamp(0).toInstant();
    Instant lastArrival = arrivals.getTimestamp(1).toInstant();
    List<LateRecords.WatermarkStep> batches =
        spark
            .read()
            .format("delta")
            .load(config.metricsPath())
            .where(
                col("pipeline")
                    .equalTo(spec.name())
                    .and(col("query").equalTo("gold"))
                    .and(col("watermark").isNotNull()))
            .selectExpr(
                "unix_millis(batch_time) + batch_duration_ms AS ended",
                "unix_millis(watermark) AS watermark")
            .where(col("ended").lt(lastArrival.toEpochMilli()))
            .collectAsList()
            .stream()
            .map(
                r ->
                    new LateRecords.WatermarkStep(
                        Instant.ofEpochMilli(r.getLong(0)), Instant.ofEpochMilli(r.getLong(1))))
            .toList();
    return LateRecords.steps(batches, firstArrival);
  }

  /** The pipeline's topics that have bronze tables (see {@link PipelineTopics#inBronze}). */
  private List<String> bronzeTopics(PipelineSpec spec) {
    return PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec);
  }

  /** The newest ingest time of each topic's bronze table (topics with no record are left out). */
  private Map<String, Long> newestIngest(PipelineSpec spec) {
    Map<String, Long> out = new TreeMap<>();
    for (String topic : bronzeTopics(spec)) {
      Row r =
          spark
              .read()
              .format("delta")
              .load(config.bronzePath(topic))
              .selectExpr("max(unix_micros(" + BronzeRecords.INGEST_TIME + "))")
              .first();
      if (!r.isNullAt(0)) {
        out.put(topic, r.getLong(0));
      }
    }
    return out;
  }

  /**
   * Bronze records of the pipeline's topics ingested after {@code from} and up to {@code until}.
   */
  private Dataset<Row> scan(PipelineSpec spec, Map<String, Long> from, Map<String, Long> until) {
    Dataset<Row> all = null;
    for (String topic : bronzeTopics(spec)) {
      Dataset<Row> t = spark.read().format("delta").load(config.bronzePath(topic));
      Long u = until.get(topic);
      Column keep = u == null ? lit(false) : col(BronzeRecords.INGEST_TIME).leq(micros(u));
      Long f = from.get(topic);
      if (f != null) {
        keep =
            keep.and(col(BronzeRecords.INGEST_TIME).gt(micros(f)))
                .and(col(BronzeRecords.INGEST_DATE).geq(lit(Date.valueOf(date(f)))));
      }
      Dataset<Row> one = t.where(keep);
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  /**
   * The new bookmark: the end of this scan, except that a topic with late events in windows still
   * open stops just before the first of them, so the next repair finds them again.
   */
  static Map<String, Long> advance(
      Map<String, Long> from, Map<String, Long> until, RepairPlan plan) {
    Map<String, Long> next = new TreeMap<>(from);
    next.putAll(until);
    for (RepairPlan.Slot s : plan.deferred()) {
      long before = toMicros(s.minIngest()) - 1;
      Long previous = from.get(s.topic());
      long floor = previous == null ? Long.MIN_VALUE : previous;
      next.merge(s.topic(), Math.max(before, floor), Math::min);
    }
    return next;
  }

  private void record(PipelineSpec spec, Result result) {
    Row row =
        RowFactory.create(
            spec.name(),
            Timestamp.from(Instant.now()),
            result.scanned(),
            result.plan().lateRecords(),
            result.plan().windows(),
            result.plan().ranges().stream().map(r -> r.windows().toString()).toList().toString(),
            result.rowsWritten(),
            result.plan().deferredRecords(),
            result.watermark() == null ? null : Timestamp.from(result.watermark()));
    spark
        .createDataFrame(List.of(row), RECORD_SCHEMA)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(config.repairsPath());
  }

  private static Column micros(long micros) {
    return expr("timestamp_micros(" + micros + "L)");
  }

  private static java.time.LocalDate date(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static long toMicros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }
}
