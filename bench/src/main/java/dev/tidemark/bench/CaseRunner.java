package dev.tidemark.bench;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a case for its warm-up runs (not kept) and its timed repeats, into one table row. */
final class CaseRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CaseRunner.class);

  private final ProcessMeter spark;
  private final ProcessMeter broker;
  private final int warmup;
  private final int repeat;
  private final long events;

  CaseRunner(ProcessMeter spark, ProcessMeter broker, int warmup, int repeat, long events) {
    this.spark = spark;
    this.broker = broker;
    this.warmup = warmup;
    this.repeat = repeat;
    this.events = events;
  }

  /**
   * Runs a case's warm-up runs, which are not kept. The bench warms every row before it times any
   * (see {@link #measure}), so no row is timed with a JIT that a later row's warm-ups would still
   * have improved: in one JVM, rows share most of their code (decode, aggregation, Delta writes).
   */
  void warm(BenchCase c) throws Exception {
    if (c instanceof UnavailableCase) {
      return;
    }
    for (int run = 0; run < warmup; run++) {
      log(c, "warm-up", run + 1, once(c, run));
    }
  }

  /** Runs a case's timed repeats, after {@link #warm}, into one table row. */
  Measurement measure(BenchCase c) throws Exception {
    if (c instanceof UnavailableCase u) {
      LOG.info("bench {}: {}", u.id(), u.reason());
      return Measurement.unavailable(u.id(), u.label(), u.reason());
    }
    List<Sample> samples = new ArrayList<>();
    for (int run = 0; run < repeat; run++) {
      Sample s = once(c, warmup + run);
      log(c, "run", run + 1, s);
      samples.add(s);
    }
    return new Measurement(c.id(), c.label(), events, samples, "");
  }

  private Sample once(BenchCase c, int run) throws Exception {
    PhaseMeter meter = new PhaseMeter(spark, broker);
    BenchCase.StateSize state = c.run(run, meter);
    return meter.sample(state.rows(), state.bytes());
  }

  private void log(BenchCase c, String kind, int n, Sample s) {
    LOG.info(
        "bench {} {} {}: {} s, {} events/s, Spark CPU {} s, broker CPU {} s",
        c.id(),
        kind,
        n,
        String.format("%.2f", s.seconds()),
        Math.round(events / s.seconds()),
        String.format("%.1f", s.sparkCpuSeconds()),
        String.format("%.1f", s.brokerCpuSeconds()));
  }
}
