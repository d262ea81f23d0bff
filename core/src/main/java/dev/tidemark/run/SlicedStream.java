package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.ops.BatchCounts;
import dev.tidemark.pipeline.AsOfJoin;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.sink.DeltaAppendSink;
import dev.tidemark.sink.DeltaReplaceSink;
import dev.tidemark.sink.DeltaTableInit;
import dev.tidemark.sink.StreamSink;
import dev.tidemark.sink.StreamTarget;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A pipeline whose SQL has a sliced form (see {@link SlicedAggregation}) as one stateless streaming
 * query: Kafka → decode → {@code foreachBatch}. Each record is read and parsed once; each
 * micro-batch then, from that one materialised decode:
 *
 * <ol>
 *   <li>appends its rejected records to the quarantine table;
 *   <li>aggregates its good events into slices, kept in memory, and appends them to the {@link
 *       SliceTable};
 *   <li>beside that append, writes the windows it changed, rolled up from its own slices and the
 *       slice table as earlier batches left it: in update mode it replaces (Delta {@code
 *       replaceWhere}, the backfill's sink) every open window its events fall in; in append mode it
 *       appends the windows its new watermark closes, once, final.
 * </ol>
 *
 * <p>Watermark: Spark tracks it on the good events' event time ({@code withWatermark}), exactly as
 * for a stateful query, and keeps it in the checkpoint; a batch reads the watermark it runs with
 * from its offset log entry, so a replayed batch sees the same one. Events of windows the watermark
 * has closed (every window of the event ends at or before it) are dropped and counted as {@code
 * late_rows_dropped}; windows that are still open take late events, as in Spark's stateful
 * aggregation. Append mode writes the windows closed by the watermark the batch moves to in the
 * same batch, so no no-data batch is needed and none is left held after a stop.
 *
 * <p>Exactly once: every write of a batch carries Delta's transaction id (query id, batch id), so a
 * batch replayed after a crash skips the writes that committed and redoes the others; the roll-up
 * reads the slice table at the version before the batch's own slice append ({@link
 * SliceTable#versionBefore}), so a replay writes the same rows whether or not that append had
 * committed.
 */
final class SlicedStream {

  /**
   * By default, the slice table is merged every this many batches (fewer, larger files; closed
   * slices dropped).
   */
  static final int COMPACT_EVERY_BATCHES = 20;

  private static final String WATERMARK_COLUMN = "_event_time";

  private SlicedStream() {}

  /** Starts the pipeline's one query over the raw Kafka stream. */
  static StreamingQuery start(
      SparkSession spark,
      PipelineSpec spec,
      SlicedAggregation aggregation,
      Dataset<Row> raw,
      StreamTarget gold,
      String quarantinePath,
      String slicePath,
      long initialWatermarkMs,
      DimensionTables dimensions,
      int compactEvery)
      throws TimeoutException {
    EventDecoder decoder = EventDecoder.of(spec);
    String eventTime = "`" + spec.source().eventTimeColumn() + "`";
    Dataset<Row> decoded =
        decoder
            .decode(raw)
            // Only rejected records are written as they arrived: the good ones' raw bytes are
            // dropped before the batch is materialised.
            .withColumn(
                EventDecoder.RAW, when(col(EventDecoder.REASON).isNotNull(), col(EventDecoder.RAW)))
            .withColumn(WATERMARK_COLUMN, when(col(EventDecoder.REASON).isNull(), col(eventTime)))
            .withWatermark(
                WATERMARK_COLUMN, spec.source().watermarkDelay().toMillis() + " milliseconds");
    SliceTable slices = new SliceTable(spark, slicePath, aggregation);
    StructType quarantineSchema = decoder.rejected(decoded).schema();
    Dataset<Row> noSlices =
        aggregation.slices(
            AsOfJoin.withNulls(spec, decoder.accepted(decoded.limit(0).drop(WATERMARK_COLUMN))));
    // Three independent tables: created side by side (each creation is mostly waiting on commits
    // and small jobs), which shortens the first start of a pipeline.
    awaitAll(
        List.of(
            inThread(
                "create-gold",
                () ->
                    DeltaTableInit.ensure(
                        spark,
                        gold.tablePath(),
                        aggregation.resultSchema(),
                        spec.sink().partitionBy())),
            inThread(
                "create-quarantine",
                () -> DeltaTableInit.ensure(spark, quarantinePath, quarantineSchema, List.of())),
            inThread("create-slices", () -> slices.ensure(noSlices))));
    Batch batch =
        new Batch(
            spec,
            aggregation,
            decoder,
            gold,
            quarantinePath,
            slices,
            initialWatermarkMs,
            dimensions,
            compactEvery);
    return StreamSink.configure(decoded.writeStream(), gold).foreachBatch(batch).start();
  }

  /** Runs {@code task} on a new thread named {@code name}. */
  private static CompletableFuture<Void> inThread(String name, Runnable task) {
    return CompletableFuture.runAsync(task, t -> new Thread(t, name).start());
  }

  /** Waits for {@code task}; its failure is thrown as it was raised. */
  private static void await(CompletableFuture<Void> task) {
    try {
      task.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Waits for every task, then throws the first failure among them. */
  private static void awaitAll(List<CompletableFuture<Void>> tasks) {
    tasks.forEach(t -> t.exceptionally(e -> null).join());
    tasks.forEach(SlicedStream::await);
  }

  /** What {@code observe} saw in a batch; the event times are epoch milliseconds or null. */
  private record Summary(
      long read,
      long rejected,
      long late,
      Long maxEventMs,
      Long firstOpenEventMs,
      Long lastOpenEventMs) {}

  /** One micro-batch, as described on the class. */
  private record Batch(
      PipelineSpec spec,
      SlicedAggregation aggregation,
      EventDecoder decoder,
      StreamTarget gold,
      String quarantinePath,
      SliceTable slices,
      long initialWatermarkMs,
      DimensionTables dimensions,
      int compactEvery)
      implements VoidFunction2<Dataset<Row>, Long> {

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
      SparkSession spark = batch.sparkSession();
      String queryId = StreamSink.queryId(spark, gold);
      // A stream started by a full refresh runs with at least the watermark bronze gave.
      long watermark =
          Math.max(
              initialWatermarkMs,
              StreamCheckpoint.batchWatermark(
                  spark.sparkContext().hadoopConfiguration(), gold.checkpoint(), batchId));
      long firstOpen = aggregation.firstOpenWindow(watermark);
      long earlierSlices = slices.versionBefore(batchId);
      Dataset<Row> decoded = batch.drop(WATERMARK_COLUMN).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> batchSlices = null;
      CompletableFuture<Void> quarantine = CompletableFuture.completedFuture(null);
      CompletableFuture<Void> sliceAppend = CompletableFuture.completedFuture(null);
      try {
        // One job materialises the decode and this batch's slices, and counts the batch on the
        // way (an observation of the decoded rows), so no job of its own reads the batch again.
        Observation observed = new Observation("tidemark_batch_" + batchId);
        Column open = openEvents(firstOpen);
        // Enriched from the dimensions as of each event's time: the versions in force from the
        // batch's oldest event of an open window on (see DimensionTables).
        batchSlices =
            aggregation
                .slices(
                    dimensions.enrich(
                        spec,
                        decoder.accepted(observe(decoded, observed, open).where(open)),
                        spec.dimensions().isEmpty() ? firstOpen : oldestOpen(decoded, open)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        batchSlices.count();
        Summary s = summary(observed, decoded, open);
        if (s.rejected() > 0) {
          quarantine =
              inBackground(
                  "quarantine-" + batchId,
                  () ->
                      DeltaAppendSink.appendOnce(
                          decoder.rejected(decoded), quarantinePath, queryId, batchId));
        }
        long next =
            s.maxEventMs() == null
                ? watermark
                : Math.max(watermark, s.maxEventMs() - spec.source().watermarkDelay().toMillis());
        long keepFrom = aggregation.firstOpenWindow(next);
        if (s.firstOpenEventMs() == null) {
          batchSlices.unpersist();
          batchSlices = null;
        } else if (aggregation.sliceOf(s.lastOpenEventMs()) >= keepFrom) {
          // Only the slices a later batch can read: those of windows still open under the
          // watermark this batch moves to. A catch-up batch writes the windows it closes from the
          // slices in memory; their slices would only be dropped by the next compaction.
          Dataset<Row> appended =
              batchSlices.where(col(SlicedAggregation.SLICE).geq(lit(new Timestamp(keepFrom))));
          sliceAppend =
              inBackground("slices-" + batchId, () -> slices.append(appended, queryId, batchId));
        }
        if (spec.sink().outputMode() == OutputMode.UPDATE) {
          if (s.firstOpenEventMs() != null) {
            long from =
                Math.max(
                    firstOpen,
                    aggregation.firstWindowOfSlice(aggregation.sliceOf(s.firstOpenEventMs())));
            long to =
                aggregation.lastWindowOfSlice(aggregation.sliceOf(s.lastOpenEventMs()))
                    + aggregation.slideMillis();
            Dataset<Row> rows = windows(from, to, earlierSlices, batchSlices);
            WindowRange range =
                new WindowRange(
                    Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), spec.window());
            DeltaReplaceSink.replace(rows, gold.tablePath(), range.predicate(), queryId, batchId);
          }
        } else if (aggregation.firstOpenWindow(next) > firstOpen) {
          long to = aggregation.firstOpenWindow(next);
          Dataset<Row> rows = windows(firstOpen, to, earlierSlices, batchSlices);
          DeltaAppendSink.appendOnce(rows, gold.tablePath(), queryId, batchId);
        }
        await(sliceAppend);
        if ((batchId + 1) % compactEvery == 0) {
          slices.compact(keepFrom);
        }
        await(quarantine);
        BatchCounts.record(
            queryId, batchId, new BatchCounts.Counts(s.read(), s.rejected(), s.late(), next));
      } finally {
        // Before the data they read is dropped.
        quarantine.exceptionally(t -> null).join();
        sliceAppend.exceptionally(t -> null).join();
        if (batchSlices != null) {
          batchSlices.unpersist();
        }
        decoded.unpersist();
      }
    }

    /**
     * The windows starting in {@code [from, to)}, rolled up from the slices of earlier batches (the
     * slice table at {@code earlierSlices}) and this batch's ({@code batchSlices}, or null): what
     * the slice table holds once this batch's append commits, without waiting for it.
     */
    private Dataset<Row> windows(long from, long to, long earlierSlices, Dataset<Row> batchSlices) {
      Dataset<Row> all = slices.ofWindows(from, to, earlierSlices);
      if (batchSlices != null) {
        all = all.unionByName(batchSlices);
      }
      return aggregation.windows(all, from, to);
    }

    /**
     * Runs a write of this batch on its own thread, beside the others: they do not depend on each
     * other, so their jobs and commits overlap. A new thread inherits Spark's local properties
     * (query id, job group).
     */
    private CompletableFuture<Void> inBackground(String what, Runnable write) {
      return inThread(gold.queryName() + "-" + what, write);
    }

    /**
     * The oldest event time (epoch ms) of the batch's good events of open windows, or {@link
     * Long#MAX_VALUE} when it has none: one small job over the persisted batch, run only for a
     * pipeline with dimensions, so that a first batch (under watermark 0) does not read every
     * version of its dimensions.
     */
    private long oldestOpen(Dataset<Row> decoded, Column open) {
      Row r = decoded.where(open).agg(min(eventMillis())).first();
      return r.isNullAt(0) ? Long.MAX_VALUE : r.getLong(0);
    }

    /** Good events of windows still open under the batch's watermark. */
    private Column openEvents(long firstOpen) {
      return col(EventDecoder.REASON).isNull().and(eventMillis().geq(firstOpen));
    }

    private Column eventMillis() {
      return expr("unix_millis(`" + spec.source().eventTimeColumn() + "`)");
    }

    /**
     * The figures of a decoded batch: records read and rejected, good events dropped as late (every
     * window of theirs closed: event time before the first open window), the newest event time, and
     * the event times of the good events of open windows.
     */
    private Column[] figures(Column open) {
      Column eventMs = eventMillis();
      Column good = col(EventDecoder.REASON).isNull();
      return new Column[] {
        count(lit(1)).as("read"),
        count(when(not(good), 1)).as("rejected"),
        count(when(good.and(not(open)), 1)).as("late"),
        max(when(good, eventMs)).as("max_event"),
        min(when(open, eventMs)).as("first_open_event"),
        max(when(open, eventMs)).as("last_open_event")
      };
    }

    /** The decoded batch, observed: its {@link #figures} come with the job that reads it. */
    private Dataset<Row> observe(Dataset<Row> decoded, Observation observed, Column open) {
      Column[] figures = figures(open);
      return decoded.observe(observed, figures[0], Arrays.copyOfRange(figures, 1, figures.length));
    }

    /**
     * What {@link #observe} saw, once the job that read the batch has run; a plan Spark's optimizer
     * folded away (an empty batch) reports nothing (SPARK-54620), and then one job counts the batch
     * instead.
     */
    private Summary summary(Observation observed, Dataset<Row> decoded, Column open) {
      Row r = observed.getRow();
      if (r.size() == 0) {
        Column[] figures = figures(open);
        r = decoded.agg(figures[0], Arrays.copyOfRange(figures, 1, figures.length)).first();
      }
      return new Summary(
          r.getLong(0),
          r.getLong(1),
          r.getLong(2),
          r.isNullAt(3) ? null : r.getLong(3),
          r.isNullAt(4) ? null : r.getLong(4),
          r.isNullAt(5) ? null : r.getLong(5));
    }
  }
}
