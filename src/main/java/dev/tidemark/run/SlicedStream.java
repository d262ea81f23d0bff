package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.ops.BatchCounts;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.sink.DeltaQuarantineSink;
import dev.tidemark.sink.DeltaReplaceSink;
import dev.tidemark.sink.DeltaTableInit;
import dev.tidemark.sink.StreamSink;
import dev.tidemark.sink.StreamTarget;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.storage.StorageLevel;

/**
 * A pipeline whose SQL has a sliced form (see {@link SlicedAggregation}) as one stateless streaming
 * query: Kafka → decode → {@code foreachBatch}. Each record is read and parsed once; each
 * micro-batch then, from that one materialised decode:
 *
 * <ol>
 *   <li>appends its rejected records to the quarantine table;
 *   <li>aggregates its good events into slices and appends them to the {@link SliceTable};
 *   <li>writes the windows it changed, rolled up from the slice table: in update mode it replaces
 *       (Delta {@code replaceWhere}, the backfill's sink) every open window its events fall in; in
 *       append mode it appends the windows its new watermark closes, once, final.
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
 * reads the slice table as that batch left it, so it writes the same rows.
 */
final class SlicedStream {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlicedStream.class);

  /** Merge the slice table every this many batches (fewer, larger files; closed slices dropped). */
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
      String slicePath)
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
    DeltaTableInit.ensure(
        spark, gold.tablePath(), aggregation.resultSchema(), spec.sink().partitionBy());
    DeltaTableInit.ensure(spark, quarantinePath, decoder.rejected(decoded).schema(), List.of());
    SliceTable slices = new SliceTable(spark, slicePath, aggregation);
    slices.ensure(aggregation.slices(decoder.accepted(decoded.limit(0).drop(WATERMARK_COLUMN))));
    Batch batch = new Batch(spec, aggregation, decoder, gold, quarantinePath, slices);
    return StreamSink.configure(decoded.writeStream(), gold).foreachBatch(batch).start();
  }

  /** One micro-batch, as described on the class. */
  private record Batch(
      PipelineSpec spec,
      SlicedAggregation aggregation,
      EventDecoder decoder,
      StreamTarget gold,
      String quarantinePath,
      SliceTable slices)
      implements VoidFunction2<Dataset<Row>, Long> {

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
      SparkSession spark = batch.sparkSession();
      String queryId = StreamSink.queryId(spark, gold);
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      long watermark = StreamCheckpoint.batchWatermark(hadoop, gold.checkpoint(), batchId);
      long firstOpen = aggregation.firstOpenWindow(watermark);
      Dataset<Row> decoded = batch.drop(WATERMARK_COLUMN).persist(StorageLevel.MEMORY_AND_DISK());
      long t0 = System.nanoTime();
      Thread quarantine = null;
      java.util.concurrent.atomic.AtomicReference<Throwable> quarantineFailure =
          new java.util.concurrent.atomic.AtomicReference<>();
      try {
        Column eventMs = expr("unix_millis(`" + spec.source().eventTimeColumn() + "`)");
        Column good = col(EventDecoder.REASON).isNull();
        Column open = good.and(eventMs.geq(firstOpen));
        Row s =
            decoded
                .agg(
                    count(lit(1)),
                    count(when(col(EventDecoder.REASON).isNotNull(), 1)),
                    count(when(good.and(eventMs.lt(firstOpen)), 1)),
                    max(when(good, eventMs)),
                    min(when(open, eventMs)),
                    max(when(open, eventMs)))
                .first();
        long t1 = System.nanoTime();
        long read = s.getLong(0);
        long rejected = s.getLong(1);
        long late = s.getLong(2);
        if (rejected > 0) {
          // Beside the slices and windows, which do not depend on it: its job and commit overlap
          // theirs. A new thread inherits Spark's local properties (query id, job group).
          quarantine =
              new Thread(
                  () -> {
                    try {
                      DeltaQuarantineSink.appendOnce(
                          decoder.rejected(decoded), quarantinePath, queryId, batchId);
                    } catch (Throwable t) {
                      quarantineFailure.set(t);
                    }
                  },
                  gold.queryName() + "-quarantine-" + batchId);
          quarantine.start();
        }
        long next =
            s.isNullAt(3)
                ? watermark
                : Math.max(watermark, s.getLong(3) - spec.source().watermarkDelay().toMillis());
        long t2 = System.nanoTime();
        if (!s.isNullAt(4)) {
          Dataset<Row> events = decoder.accepted(decoded.where(open));
          slices.append(aggregation.slices(events), queryId, batchId);
        }
        long t3 = System.nanoTime();
        if (spec.sink().outputMode() == OutputMode.UPDATE) {
          if (!s.isNullAt(4)) {
            long from = Math.max(firstOpen, aggregation.firstWindowOfSlice(sliceOf(s.getLong(4))));
            long to =
                aggregation.lastWindowOfSlice(sliceOf(s.getLong(5))) + aggregation.slideMillis();
            writeWindows(from, to, queryId, batchId, true);
          }
        } else {
          long to = aggregation.firstOpenWindow(next);
          if (to > firstOpen) {
            writeWindows(firstOpen, to, queryId, batchId, false);
          }
        }
        long t4 = System.nanoTime();
        LOG.debug(
            "batch {}: decode+summary {} ms, quarantine started {} ms, slices {} ms, windows {} ms",
            batchId,
            (t1 - t0) / 1_000_000,
            (t2 - t1) / 1_000_000,
            (t3 - t2) / 1_000_000,
            (t4 - t3) / 1_000_000);
        if ((batchId + 1) % COMPACT_EVERY_BATCHES == 0) {
          slices.compact(aggregation.firstOpenWindow(next));
        }
        awaitQuarantine(quarantine, quarantineFailure);
        BatchCounts.record(queryId, batchId, new BatchCounts.Counts(read, rejected, late));
      } finally {
        if (quarantine != null) {
          joinQuietly(quarantine);
        }
        decoded.unpersist();
      }
    }

    /** Waits for the quarantine write of the batch; its failure fails the batch. */
    private static void awaitQuarantine(
        Thread quarantine, java.util.concurrent.atomic.AtomicReference<Throwable> failure) {
      if (quarantine == null) {
        return;
      }
      joinQuietly(quarantine);
      Throwable t = failure.get();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t != null) {
        throw new IllegalStateException("quarantine write failed", t);
      }
    }

    private static void joinQuietly(Thread t) {
      boolean interrupted = false;
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    private long sliceOf(long eventMs) {
      return Math.floorDiv(eventMs, aggregation.sliceMillis()) * aggregation.sliceMillis();
    }

    /**
     * Writes the windows starting in {@code [from, to)}, rolled up from the slice table: replacing
     * what the table has for them (update mode) or appending them (append mode).
     */
    private void writeWindows(long from, long to, String queryId, long batchId, boolean replace) {
      Dataset<Row> rows = aggregation.windows(slices.ofWindows(from, to), from, to);
      if (replace) {
        WindowRange range =
            new WindowRange(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), spec.window());
        DeltaReplaceSink.replace(rows, gold.tablePath(), range.predicate(), queryId, batchId);
      } else {
        rows.write()
            .format("delta")
            .mode(SaveMode.Append)
            .option("txnAppId", queryId)
            .option("txnVersion", batchId)
            .save(gold.tablePath());
      }
    }
  }
}
