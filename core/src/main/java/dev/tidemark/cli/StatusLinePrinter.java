package dev.tidemark.cli;

import dev.tidemark.ops.BatchMetrics;
import dev.tidemark.ops.StreamStatusLine;
import dev.tidemark.run.DaemonThreads;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Prints {@link StreamStatusLine}'s lines for the queries of a session every {@code every} while
 * {@code stream} runs: listens to the queries' progress and prints from a timer thread of its own.
 * Closing it stops the timer and the listening.
 */
final class StatusLinePrinter extends StreamingQueryListener implements AutoCloseable {
  private final SparkSession spark;
  private final PrintWriter out;
  private final Duration every;
  private final Clock clock;
  private final StreamStatusLine status = new StreamStatusLine();
  private final ScheduledExecutorService timer = DaemonThreads.scheduled("tidemark-status-line");
  private Instant since;

  private StatusLinePrinter(SparkSession spark, PrintWriter out, Duration every, Clock clock) {
    this.spark = spark;
    this.out = out;
    this.every = every;
    this.clock = clock;
    this.since = clock.instant();
  }

  /** Starts printing every {@code every}; a zero {@code every} prints nothing. */
  static StatusLinePrinter start(SparkSession spark, PrintWriter out, Duration every) {
    StatusLinePrinter printer = new StatusLinePrinter(spark, out, every, Clock.systemUTC());
    if (!every.isZero()) {
      spark.streams().addListener(printer);
      printer.timer.scheduleAtFixedRate(
          printer::print, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
    return printer;
  }

  private void print() {
    Instant now = clock.instant();
    synchronized (status) {
      for (String line : status.lines(now, Duration.between(since, now))) {
        out.println(line);
      }
      since = now;
    }
    out.flush();
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    BatchMetrics m = BatchMetrics.of(event.progress());
    synchronized (status) {
      status.add(m);
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  @Override
  public void close() {
    timer.shutdownNow();
    if (!every.isZero()) {
      spark.streams().removeListener(this);
    }
  }
}
