package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.PipelineQuery;
import dev.tidemark.pipeline.SessionReach;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.sink.DeltaReplaceSink;
import dev.tidemark.sink.DeltaTableInit;
import dev.tidemark.source.ReplaySource;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the windows that start in a time range from Kafka or from the bronze tables (see
 * {@link ReplaySource}) and replaces exactly those rows of the pipeline's table in one atomic
 * commit (Delta {@code replaceWhere}).
 *
 * <p>Reads records by Kafka timestamp, bounded to the events the range's windows can contain plus
 * {@code tidemark.backfill.kafka-timestamp-slack} on each side (a repair extends the end to the
 * arrival of the late records it knows of), then keeps events by event time. Idempotent: running
 * the same range again yields the same rows and one new table version. Unlike the stream, a
 * backfill counts events the stream dropped as late.
 */
public final class BackfillRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillRunner.class);

  private final SparkSession spark;
  private final TidemarkConfig config;
  private final ReplaySource source;
  private final Map<PipelineSpec, SlicedAggregation.Analysis> analyses = new HashMap<>();

  /** A backfill reading Kafka. */
  public BackfillRunner(SparkSession spark, TidemarkConfig config) {
    this(spark, config, ReplaySource.KAFKA);
  }

  public BackfillRunner(SparkSession spark, TidemarkConfig config, ReplaySource source) {
    this.spark = spark;
    this.config = config;
    this.source = source;
  }

  public ReplaySource source() {
    return source;
  }

  /**
   * Windows of a backfill's range that the pipeline's append-mode stream has not closed yet.
   *
   * @param windows the windows of the range that end after the stream's watermark
   * @param watermark the stream's watermark: it has written every window that ends at or before it
   * @param checkpoint where the watermark was read
   */
  public record OpenWindows(WindowRange windows, Instant watermark, String checkpoint) {}

  /**
   * The windows of {@code range} that the pipeline's append-mode stream has not closed (their end
   * is after its watermark, read from its checkpoint), if any. Such a stream appends each window
   * once, when its watermark passes the window's end; a backfill that wrote the window first would
   * be followed by the stream's own append of it, and the table would hold the window twice.
   * Nothing for update mode (the stream replaces its open windows) or when no stream has a
   * checkpoint. The watermark only moves forward, so a range clear now stays clear.
   */
  public Optional<OpenWindows> openAppendWindows(PipelineSpec spec, WindowRange range) {
    if (spec.sink().outputMode() != OutputMode.APPEND) {
      return Optional.empty();
    }
    Instant watermark = streamWatermark(spec);
    if (watermark == null) {
      return Optional.empty();
    }
    return range
        .notClosedBy(watermark)
        .map(w -> new OpenWindows(w, watermark, config.checkpointPath(spec, "gold")));
  }

  /**
   * The watermark under which the pipeline's stream has written, for good, every window that ends
   * at or before it, from its checkpoint; null when no stream has a checkpoint. A sliced stream
   * writes the windows a batch closes in that batch, so it is the watermark its last committed
   * batch moved to; Spark's stateful aggregation writes them in the next batch, which runs with
   * that watermark, so it is the one its last committed batch ran with. A backfill or a repair
   * leaves the windows after it to the stream.
   */
  public Instant streamWatermark(PipelineSpec spec) {
    String checkpoint = config.checkpointPath(spec, "gold");
    var hadoop = spark.sparkContext().hadoopConfiguration();
    return analyses.computeIfAbsent(spec, s -> SlicedAggregation.analyze(spark, s)).sliced()
        ? StreamCheckpoint.nextWatermark(hadoop, checkpoint)
        : StreamCheckpoint.committedWatermark(hadoop, checkpoint);
  }

  /** What one backfill of one range wrote. */
  public record Result(WindowRange range, long rowsWritten, long tableVersion, Duration elapsed) {}

  /** One chunk of a chunked backfill: its result, or null when an earlier run had done it. */
  public record Chunk(int index, int total, WindowRange range, Result result) {
    public boolean skipped() {
      return result == null;
    }

    /** For progress lines: {@code 2/6 [from, to): 1234 rows, table version 5, 3.2 s}. */
    public String summary() {
      return skipped()
          ? String.format("%d/%d %s: skipped, done by an earlier run", index, total, range)
          : String.format(
              "%d/%d %s: %d rows, table version %d, %.1f s",
              index,
              total,
              range,
              result.rowsWritten(),
              result.tableVersion(),
              result.elapsed().toMillis() / 1000.0);
    }
  }

  /**
   * Backfills {@code range} in consecutive chunks of {@code chunkSize} (one chunk when null), each
   * its own atomic commit, reporting each chunk to {@code progress}. Resumable: chunks that a
   * crashed earlier run of the same range and chunk size committed are skipped (see {@link
   * BackfillJournal}).
   */
  public List<Chunk> run(
      PipelineSpec spec, WindowRange range, Duration chunkSize, Consumer<Chunk> progress) {
    List<WindowRange> chunks = chunkSize == null ? List.of(range) : range.chunks(chunkSize);
    BackfillJournal journal = journal(spec, range, chunkSize);
    if (journal.doneCount() > 0) {
      LOG.info(
          "resuming backfill {} {}: {} of {} chunks were done by an earlier run",
          spec.name(),
          range,
          journal.doneCount(),
          chunks.size());
    }
    // Chunks to do: read and decode the whole range once, then write each chunk from it.
    Dataset<Row> events = null;
    Instant reach = null;
    if (chunks.size() > 1 && chunks.stream().anyMatch(c -> !journal.isDone(c))) {
      reach = eventTimeTo(spec, range);
      events = events(spec, range, reach).persist(StorageLevel.MEMORY_AND_DISK());
    }
    Dataset<Row> read = events;
    Instant readReach = reach;
    try {
      return journal.runChunks(
          chunks,
          i ->
              read == null
                  ? run(spec, chunks.get(i))
                  : write(
                      spec,
                      chunks.get(i),
                      read,
                      chunkEventTimeTo(spec, chunks.get(i), readReach),
                      System.nanoTime()),
          progress);
    } finally {
      if (events != null) {
        events.unpersist();
      }
    }
  }

  /** The journal of a backfill of {@code range} in chunks of {@code chunkSize} (null: whole). */
  private BackfillJournal journal(PipelineSpec spec, WindowRange range, Duration chunkSize) {
    String key =
        range.from().toEpochMilli()
            + "-"
            + range.to().toEpochMilli()
            + "-"
            + (chunkSize == null ? "whole" : Long.toString(chunkSize.toSeconds()));
    return BackfillJournal.open(
        LakeFileSystem.of(config), LakeLayout.of(config).backfillJournal(spec.name(), key));
  }

  /**
   * One chunk of a backfill that {@code --dry-run} describes.
   *
   * @param rowsToReplace the rows of the table the chunk's commit would replace: those whose window
   *     start lies in the chunk's range now (0 when the table does not exist yet)
   * @param doneEarlier an earlier, interrupted run of the same backfill committed this chunk, so a
   *     rerun skips it
   */
  public record PlannedChunk(
      int index, int total, WindowRange range, long rowsToReplace, boolean doneEarlier) {}

  /**
   * What {@link #run(PipelineSpec, WindowRange, Duration, Consumer)} would do, without doing it:
   * its chunks and, for each, the rows of the table it would replace, counted in one read of the
   * table. Reads the table and the backfill's journal; writes nothing.
   */
  public List<PlannedChunk> plan(PipelineSpec spec, WindowRange range, Duration chunkSize) {
    List<WindowRange> chunks = chunkSize == null ? List.of(range) : range.chunks(chunkSize);
    long from = range.from().toEpochMilli();
    long step = chunkSize == null ? range.to().toEpochMilli() - from : chunkSize.toMillis();
    Map<Long, Long> rows = new HashMap<>();
    String table = config.tablePath(spec);
    if (DeltaTable.isDeltaTable(spark, table)) {
      String start = "`" + spec.window().startColumn() + "`";
      spark
          .read()
          .format("delta")
          .load(table)
          .where(range.predicate())
          .groupBy(
              expr(String.format("floor((unix_millis(%s) - %d) / %d)", start, from, step))
                  .cast("long")
                  .as("chunk"))
          .count()
          .collectAsList()
          .forEach(r -> rows.put(r.getLong(0), r.getLong(1)));
    }
    BackfillJournal journal = journal(spec, range, chunkSize);
    List<PlannedChunk> planned = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      WindowRange c = chunks.get(i);
      planned.add(
          new PlannedChunk(
              i + 1, chunks.size(), c, rows.getOrDefault((long) i, 0L), journal.isDone(c)));
    }
    return planned;
  }

  public Result run(PipelineSpec spec, WindowRange range) {
    return run(spec, range, null);
  }

  /**
   * Backfills {@code range}, reading records that reached Kafka up to at least {@code arrivalUntil}
   * (plus the slack) even when that is after the range's events: how a repair reaches late records.
   *
   * @param arrivalUntil latest Kafka timestamp to include, or null for the range's own bound
   */
  public Result run(PipelineSpec spec, WindowRange range, Instant arrivalUntil) {
    long started = System.nanoTime();
    Instant eventTo = eventTimeTo(spec, range);
    Instant readTo = eventTo;
    if (arrivalUntil != null && arrivalUntil.isAfter(readTo)) {
      readTo = arrivalUntil.plusMillis(1);
    }
    return write(spec, range, events(spec, range, readTo), eventTo, started);
  }

  /**
   * The end (exclusive) of the event times that can fall in a window starting in {@code range}:
   * {@link WindowRange#eventTimeTo}, except for session windows, whose sessions starting in the
   * range can go on past it (see {@link SessionReach}): their read goes on, in doubling steps,
   * until a gap without any event, or until the newest event time Kafka can hold (a session still
   * open then is open in the stream too).
   */
  private Instant eventTimeTo(PipelineSpec spec, WindowRange range) {
    Instant to = range.eventTimeTo();
    if (spec.window().type() != WindowSpec.Type.SESSION) {
      return to;
    }
    Duration gap = spec.window().size();
    Instant quietFrom = range.to().minus(gap);
    Instant newest = Instant.now().plus(spec.source().maxEventTimeAhead());
    Column eventMicros = expr("unix_micros(`" + spec.source().eventTimeColumn() + "`)");
    Duration step = gap;
    Instant readEnd = to;
    while (true) {
      Dataset<Row> events =
          decoded(spec, quietFrom, readEnd)
              .select(eventMicros.as("t"))
              .where(col("t").geq(micros(quietFrom)).and(col("t").lt(micros(readEnd))));
      long[] times =
          events.orderBy("t").collectAsList().stream().mapToLong(r -> r.getLong(0)).toArray();
      Optional<Instant> end = SessionReach.end(quietFrom, times, gap, readEnd);
      if (end.isPresent()) {
        return end.get().isAfter(to) ? end.get() : to;
      }
      if (readEnd.isAfter(newest)) {
        return readEnd;
      }
      step = step.multipliedBy(2);
      readEnd = readEnd.plus(step);
    }
  }

  /** A chunk's end of event times: the whole range's {@code reach} for session windows. */
  private static Instant chunkEventTimeTo(PipelineSpec spec, WindowRange chunk, Instant reach) {
    return spec.window().type() == WindowSpec.Type.SESSION ? reach : chunk.eventTimeTo();
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  /**
   * The good events of the records that reached Kafka from the start of the events of {@code
   * range}'s windows up to {@code readTo}, the slack added on each side: decoded once, not yet
   * narrowed by event time.
   */
  private Dataset<Row> events(PipelineSpec spec, WindowRange range, Instant readTo) {
    return decoded(spec, range.eventTimeFrom(), readTo);
  }

  /**
   * The good events of the records that reached Kafka in {@code [from, readTo)}, plus the slack.
   */
  private Dataset<Row> decoded(PipelineSpec spec, Instant from, Instant readTo) {
    Duration slack = config.kafkaTimestampSlack();
    Dataset<Row> raw = source.read(spark, config, spec, from.minus(slack), readTo.plus(slack));
    EventDecoder decoder = EventDecoder.of(spec);
    return decoder.accepted(decoder.decode(raw));
  }

  /**
   * Computes the windows starting in {@code range} from those of {@code events} whose event time
   * falls in {@code [range.eventTimeFrom(), eventTo)}, and replaces the range's rows of the table
   * with them.
   */
  private Result write(
      PipelineSpec spec, WindowRange range, Dataset<Row> events, Instant eventTo, long started) {
    SlicedAggregation.Analysis sliced =
        analyses.computeIfAbsent(spec, s -> SlicedAggregation.analyze(spark, s));
    Dataset<Row> rows = windowRows(config, spec, sliced, range, events, eventTo);
    String table = config.tablePath(spec);
    LakeManifest.record(config, spec);
    DeltaTableInit.ensure(spark, table, rows.schema(), spec.sink().partitionBy());
    DeltaReplaceSink.replace(rows, table, range.predicate());

    Row last = DeltaTable.forPath(spark, table).history(1).first();
    long version = last.getLong(last.fieldIndex("version"));
    Map<String, String> metrics = last.getJavaMap(last.fieldIndex("operationMetrics"));
    // A replaceWhere on non-partition columns rewrites the files it touches: copied rows are the
    // other windows of those files, not rows of this range.
    long written =
        Long.parseLong(metrics.getOrDefault("numOutputRows", "0"))
            - Long.parseLong(metrics.getOrDefault("numCopiedRows", "0"));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    LOG.info(
        "backfill {} {} from {}{}: {} rows written as version {} in {} s",
        spec.name(),
        range,
        source.label(),
        sliced.sliced() ? " (sliced)" : "",
        written,
        version,
        elapsed.toMillis() / 1000.0);
    return new Result(range, written, version, elapsed);
  }

  /**
   * The rows a backfill writes for the windows starting in {@code range}: computed from those of
   * the good events {@code events} (decoded by {@link EventDecoder}) whose event time falls in
   * {@code [range.eventTimeFrom(), eventTo)}. A pipeline whose SQL has a sliced form takes the
   * stream's own path (events into slices, enriched with its dimensions as of each event's time,
   * slices rolled up into the range's windows); any other runs its SQL ({@link PipelineQuery}) and
   * keeps the windows starting in the range. Lazy; reads only dimension tables. The golden tests
   * run the shipped pipelines through it.
   */
  public static Dataset<Row> windowRows(
      TidemarkConfig config,
      PipelineSpec spec,
      SlicedAggregation.Analysis sliced,
      WindowRange range,
      Dataset<Row> events,
      Instant eventTo) {
    Instant eventFrom = range.eventTimeFrom();
    Column eventTime = col("`" + spec.source().eventTimeColumn() + "`");
    Dataset<Row> inRange =
        events.where(
            eventTime
                .geq(lit(Timestamp.from(eventFrom)))
                .and(eventTime.lt(lit(Timestamp.from(eventTo)))));
    if (sliced.sliced()) {
      // The stream's own path: events into slices, slices rolled up into the range's windows.
      SlicedAggregation aggregation = sliced.aggregation();
      return aggregation.windows(
          aggregation.slices(
              new DimensionTables(events.sparkSession(), config)
                  .enrich(spec, inRange, eventFrom.toEpochMilli())),
          range.from().toEpochMilli(),
          range.to().toEpochMilli());
    }
    StreamRunner.refuseDimensionsWithout(spec, sliced);
    String start = spec.window().startColumn();
    Dataset<Row> result = new PipelineQuery(spec).apply(inRange);
    if (spec.window().type() == WindowSpec.Type.SESSION) {
      // Spark's optimizer pushes a filter on a session's start below the merge of sessions, onto
      // each event's own [t, t + gap) window: every event from the range's end on was dropped,
      // cutting short the sessions that go on past it. A (lazy) local checkpoint keeps the
      // filter above the merge.
      result = result.localCheckpoint(false);
    }
    return result.where(
        col(start)
            .geq(lit(Timestamp.from(range.from())))
            .and(col(start).lt(lit(Timestamp.from(range.to())))));
  }
}
