package dev.tidemark.cli;

import dev.tidemark.config.Durations;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.ChunkEta;
import dev.tidemark.run.DaemonThreads;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A backfill's progress: a line per chunk when it is written (its rows, and across chunks how many
 * are left and the time they should take, see {@link ChunkEta}); and on a terminal, a line
 * rewritten every second while a chunk runs, with the records read so far, the share of its running
 * stages' tasks done, and the time left. When the output is not a terminal (a scheduler's log),
 * only the chunk lines, one plain line each.
 */
final class BackfillProgress extends SparkListener implements AutoCloseable {
  private static final String CLEAR_LINE = "\r\033[2K";

  private final SparkContext sc;
  private final JavaSparkStatusTracker tracker;
  private final PrintWriter out;
  private final String pipeline;
  private final int chunks;
  private final boolean terminal;
  private final AtomicLong recordsRead = new AtomicLong();
  private final List<Duration> written = new ArrayList<>();
  private final ScheduledExecutorService timer =
      DaemonThreads.scheduled("tidemark-backfill-progress");
  private int finished;
  private long chunkStart = System.nanoTime();

  private BackfillProgress(
      SparkContext sc, PrintWriter out, String pipeline, int chunks, boolean terminal) {
    this.sc = sc;
    this.tracker = JavaSparkContext.fromSparkContext(sc).statusTracker();
    this.out = out;
    this.pipeline = pipeline;
    this.chunks = chunks;
    this.terminal = terminal;
  }

  /** Starts reporting the backfill of {@code chunks} chunks; a live line only on a terminal. */
  static BackfillProgress start(
      SparkContext sc, PrintWriter out, String pipeline, int chunks, boolean terminal) {
    BackfillProgress progress = new BackfillProgress(sc, out, pipeline, chunks, terminal);
    if (terminal) {
      sc.addSparkListener(progress);
      progress.timer.scheduleAtFixedRate(progress::tick, 1, 1, TimeUnit.SECONDS);
    }
    return progress;
  }

  /** Whether standard output is a terminal a line can be rewritten on. */
  static boolean onTerminal() {
    return System.console() != null && System.getenv("TERM") != null;
  }

  /** Reports a chunk written, or skipped as done by an earlier run. */
  synchronized void chunkDone(BackfillRunner.Chunk c) {
    finished++;
    if (!c.skipped()) {
      // The chunk's own time: the first chunk's wait also covers the one read of the whole range.
      written.add(c.result().elapsed());
    }
    int left = chunks - finished;
    String eta =
        left == 0
            ? ""
            : new ChunkEta(written, left - 1, Duration.ZERO, 0)
                .left()
                .map(d -> "; " + left + " more, about " + Durations.approximately(d) + " left")
                .orElse("; " + left + " more");
    out.print(terminal ? CLEAR_LINE : "");
    out.printf("backfill %s chunk %s%s%n", pipeline, c.summary(), eta);
    out.flush();
    chunkStart = System.nanoTime();
    recordsRead.set(0);
  }

  private synchronized void tick() {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - chunkStart);
    long total = 0;
    long done = 0;
    for (int id : tracker.getActiveStageIds()) {
      SparkStageInfo stage = tracker.getStageInfo(id);
      if (stage != null) {
        total += stage.numTasks();
        done += stage.numCompletedTasks();
      }
    }
    double share = total == 0 ? 0 : (double) done / total;
    String left =
        new ChunkEta(written, chunks - finished - 1, elapsed, share)
            .left()
            .map(d -> ", about " + Durations.approximately(d) + " left")
            .orElse("");
    out.print(CLEAR_LINE);
    out.printf(
        "backfill %s chunk %d/%d: %,d records read, tasks %d/%d, %s%s",
        pipeline,
        finished + 1,
        chunks,
        recordsRead.get(),
        done,
        total,
        Durations.approximately(elapsed),
        left);
    out.flush();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (metrics != null) {
      recordsRead.addAndGet(metrics.inputMetrics().recordsRead());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal) {
      sc.removeSparkListener(this);
      synchronized (this) {
        out.print(CLEAR_LINE);
        out.flush();
      }
    }
  }
}
