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

  Measurement measure(BenchCase c) throws Exception {
    if (c instanceof UnavailableCase u) {
      LOG.info("bench {}: {}", u.id(), u.reason());
      return Measurement.unavailable(u.id(), u.label(), u.reason());
    }
    List<Sample> samples = new ArrayList<>();
    for (int run = 0; run < warmup + repeat; run++) {
      PhaseMeter meter = new PhaseMeter(spark, broker);
      BenchCase.StateSize state = c.run(run, meter);
      Sample s = meter.sample(state.rows(), state.bytes());
      boolean warm = run < warmup;
      LOG.info(
          "bench {} {} {}: {} s, {} events/s, Spark CPU {} s, broker CPU {} s",
          c.id(),
          warm ? "warm-up" : "run",
          warm ? run + 1 : run - warmup + 1,
          String.format("%.2f", s.seconds()),
          Math.round(events / s.seconds()),
          String.format("%.1f", s.sparkCpuSeconds()),
          String.format("%.1f", s.brokerCpuSeconds()));
      if (!warm) {
        samples.add(s);
      }
    }
    return new Measurement(c.id(), c.label(), events, samples, "");
  }
}
