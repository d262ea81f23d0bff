package dev.tidemark.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One row of the bench table: a case, the events it processed, its timed runs (warm-up excluded)
 * and a note. A row without samples is a case that could not run here; the note says why.
 */
record Measurement(String id, String label, long events, List<Sample> samples, String note) {

  static Measurement unavailable(String id, String label, String note) {
    return new Measurement(id, label, 0, List.of(), note);
  }

  boolean available() {
    return !samples.isEmpty();
  }

  double medianSeconds() {
    return median(Sample::seconds);
  }

  /** Events per second of the median run. */
  double eventsPerSecond() {
    return available() ? events / medianSeconds() : Double.NaN;
  }

  /** Spark JVM CPU-seconds per million events, median over runs. */
  double sparkCpuPerMillion() {
    return median(s -> s.sparkCpuSeconds() * 1e6 / events);
  }

  double brokerCpuPerMillion() {
    return median(s -> s.brokerCpuSeconds() * 1e6 / events);
  }

  double max(ToDoubleFunction<Sample> f) {
    return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  double median(ToDoubleFunction<Sample> f) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    double[] v = samples.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
