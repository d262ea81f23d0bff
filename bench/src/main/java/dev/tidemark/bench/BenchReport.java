package dev.tidemark.bench;

import dev.tidemark.config.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bench's result: one table of absolute figures with the ratios of Tidemark's stream to every
 * other row, the ratios the performance targets name, the machine and the exact command. Rendered
 * as Markdown (printed and written) and as JSON.
 *
 * @param settingsNote the configuration that matters for speed (conf file, shuffle partitions...)
 * @param loadSeconds time to generate and send the events (not part of any row)
 * @param loadCpuSeconds CPU time of the broker + generator process while loading
 * @param scaling the scaling table's runs (empty without --scale)
 * @param latency the latency run, or null when it was skipped
 * @param latencyNote why the latency run was skipped, when it was
 */
record BenchReport(
    BenchSettings settings,
    MachineInfo machine,
    String loadAverageAtEnd,
    String command,
    String settingsNote,
    double loadSeconds,
    double loadCpuSeconds,
    List<Measurement> rows,
    List<ScalePoint.Row> scaling,
    LatencyResult latency,
    String latencyNote,
    boolean peaksPerRun,
    double totalSeconds) {

  static final String UPDATE = "tidemark-stream-update";
  static final String APPEND = "tidemark-stream-append";
  static final String BACKFILL = "tidemark-backfill-kafka";
  static final String NAIVE = "naive-stream-append";
  static final String CEILING = "ceiling-kafka-count";
  static final String PARSE = "ceiling-parse";
  static final String FLINK_FILES = "flink-sql-files";
  static final String FLINK_BLACKHOLE = "flink-sql-blackhole";
  static final String BRONZE_BACKFILL = "tidemark-backfill-bronze";

  Optional<Measurement> row(String id) {
    return rows.stream().filter(m -> m.id().equals(id) && m.available()).findFirst();
  }

  /** events/s of row {@code a} divided by events/s of row {@code b}; NaN when either is missing. */
  double ratio(String a, String b) {
    return row(a)
        .flatMap(x -> row(b).map(y -> x.eventsPerSecond() / y.eventsPerSecond()))
        .orElse(Double.NaN);
  }

  /** The ratios the targets are stated in: name, value, target. */
  List<Object[]> keyRatios() {
    List<Object[]> r = new ArrayList<>();
    r.add(new Object[] {"streaming (update) ÷ batch backfill", ratio(UPDATE, BACKFILL), "≥ 0.8"});
    r.add(new Object[] {"streaming (append) ÷ batch backfill", ratio(APPEND, BACKFILL), "≥ 0.8"});
    r.add(
        new Object[] {"Tidemark (append) ÷ naive baseline (append)", ratio(APPEND, NAIVE), "≥ 5"});
    r.add(
        new Object[] {"Tidemark (update) ÷ naive baseline (append)", ratio(UPDATE, NAIVE), "≥ 5"});
    r.add(
        new Object[] {"Tidemark (append) ÷ Flink SQL → files", ratio(APPEND, FLINK_FILES), "≥ 1"});
    r.add(
        new Object[] {"Tidemark (update) ÷ Flink SQL → files", ratio(UPDATE, FLINK_FILES), "≥ 1"});
    r.add(
        new Object[] {
          "Tidemark (append) ÷ Flink SQL → blackhole (compute only)",
          ratio(APPEND, FLINK_BLACKHOLE),
          ""
        });
    r.add(new Object[] {"Tidemark (update) ÷ ceiling (read + count)", ratio(UPDATE, CEILING), ""});
    r.add(new Object[] {"Tidemark (update) ÷ ceiling (read + parse)", ratio(UPDATE, PARSE), ""});
    r.add(
        new Object[] {
          "backfill from bronze ÷ backfill from Kafka", ratio(BRONZE_BACKFILL, BACKFILL), ""
        });
    return r;
  }

  /** The absolute targets of issue 8: name, measured (NaN when not run), target, unit. */
  List<Object[]> absoluteTargets() {
    List<Object[]> r = new ArrayList<>();
    r.add(new Object[] {"streaming (update)", eventsPerSecond(UPDATE), "≥ 150,000", "events/s"});
    r.add(
        new Object[] {
          "backfill from bronze", eventsPerSecond(BRONZE_BACKFILL), "≥ 250,000", "events/s"
        });
    double peak =
        rows.stream()
            .filter(Measurement::available)
            .mapToDouble(m -> m.max(Sample::sparkPeakRss) + m.max(Sample::brokerPeakRss))
            .max()
            .orElse(Double.NaN);
    r.add(new Object[] {"peak RSS, Spark JVM + broker (largest row)", peak / 1e6, "< 2,500", "MB"});
    return r;
  }

  private double eventsPerSecond(String id) {
    return row(id).map(Measurement::eventsPerSecond).orElse(Double.NaN);
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Tidemark bench\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%s pipeline, %,d events (card-velocity generator: skewed cards, ~1%% late, ~1%%"
                + " malformed) on %d Kafka partitions, %s of event time; %d timed run(s) per row"
                + " after %d warm-up run(s); medians.%n%n",
            settings.pipeline(),
            settings.events(),
            settings.partitions(),
            Durations.describe(settings.span()),
            settings.repeat(),
            settings.warmup()));
    b.append(
        "| measurement | events/s | median s | stream (update) ÷ row | stream (append) ÷ row"
            + " | Spark (Flink) JVM CPU s / M events | broker CPU s / M events"
            + " | peak RSS Spark (Flink) / broker MB"
            + " | state rows / MB | runs |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : rows) {
      if (!m.available()) {
        b.append("| ").append(m.label()).append(" | ").append(m.note());
        b.append(" | | | | | | | | |\n");
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.2f | %s | %s | %.1f | %.1f | %s / %s | %s | %d |%n",
              m.label(),
              m.eventsPerSecond(),
              m.medianSeconds(),
              fmtRatio(ratio(UPDATE, m.id())),
              fmtRatio(ratio(APPEND, m.id())),
              m.sparkCpuPerMillion(),
              m.brokerCpuPerMillion(),
              mb(m.max(Sample::sparkPeakRss)),
              mb(m.max(Sample::brokerPeakRss)),
              m.max(Sample::stateRows) > 0
                  ? String.format(
                      Locale.ROOT,
                      "%,.0f / %s",
                      m.max(Sample::stateRows),
                      mb(m.max(Sample::stateBytes)))
                  : "",
              m.samples().size()));
    }
    b.append('\n');
    if (!scaling.isEmpty()) {
      b.append(
          "Scaling: Tidemark streaming, update mode, availableNow, 1 run per point (own topic,"
              + " same partitions and event-time span):\n\n");
      b.append(
          "| events | distinct cards | events/s | s | Spark CPU s / M events | peak RSS Spark MB"
              + " | state rows / MB |\n");
      b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
      for (ScalePoint.Row r : scaling) {
        Measurement m = r.measurement();
        b.append(
            String.format(
                Locale.ROOT,
                "| %,d | %s | %,.0f | %.1f | %.1f | %s | %,.0f / %s |%n",
                r.point().events(),
                r.point().keys() == 0
                    ? "400 (skewed)"
                    : String.format(Locale.ROOT, "%,d", r.point().keys()),
                m.eventsPerSecond(),
                m.medianSeconds(),
                m.sparkCpuPerMillion(),
                mb(m.max(Sample::sparkPeakRss)),
                m.max(Sample::stateRows),
                mb(m.max(Sample::stateBytes))));
      }
      b.append('\n');
    }
    if (latency != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "End-to-end latency (event sent to Kafka → its windows committed to Delta), update"
                  + " mode, %,d events/s for %d s, trigger %s: p50 %.2f s, p95 %.2f s, p99 %.2f s,"
                  + " max %.2f s (%,d events in %d micro-batches).%n%n",
              latency.rate(),
              latency.seconds(),
              latency.trigger(),
              latency.p50Seconds(),
              latency.p95Seconds(),
              latency.p99Seconds(),
              latency.maxSeconds(),
              latency.events(),
              latency.batches()));
    } else {
      b.append("End-to-end latency: ").append(latencyNote).append(".\n\n");
    }
    b.append("Against the targets of issue 8 (ratios, then absolute figures):\n\n");
    for (Object[] r : keyRatios()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- %s: %s%s%n",
              r[0],
              fmtRatio((Double) r[1]),
              ((String) r[2]).isEmpty() ? "" : " (target " + r[2] + ")"));
    }
    for (Object[] t : absoluteTargets()) {
      double v = (Double) t[1];
      b.append(
          String.format(
              Locale.ROOT,
              "- %s: %s (target %s %s)%n",
              t[0],
              Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f %s", v, t[3]),
              t[2],
              t[3]));
    }
    b.append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "Loading: %,d events generated and sent in %.1f s (%,.0f events/s), %.1f CPU-s in the"
                + " broker + generator process; not part of any row.%n",
            settings.events(),
            loadSeconds,
            settings.events() / loadSeconds,
            loadCpuSeconds));
    b.append(
        String.format(
            Locale.ROOT,
            "Machine: %d cores (%s), %.1f GiB RAM, %s, %s; load average (1/5/15 min) %s at"
                + " start, %s at end.%n",
            machine.cores(),
            machine.cpuModel(),
            machine.memoryBytes() / (1024.0 * 1024 * 1024),
            machine.jdk(),
            machine.os(),
            machine.loadAverage(),
            loadAverageAtEnd));
    b.append("Settings: ").append(settingsNote).append('\n');
    b.append("Command: `").append(command).append("`\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Peak RSS is %s. The broker runs in its own process (with the generator), so Spark's"
                + " CPU and memory are the pipeline's own; the Flink rows report their own JVM (Flink's"
                + " local mini cluster) in the Spark columns. Whole bench: %.0f s.%n",
            peaksPerRun
                ? "the peak during each run (VmHWM reset to the current RSS before it; a JVM keeps"
                    + " the heap it has grown, so later rows carry the growth of earlier ones)"
                : "since process start (VmHWM could not be reset)",
            totalSeconds));
    return b.toString();
  }

  Map<String, Object> json() {
    Map<String, Object> j = new LinkedHashMap<>();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("pipeline", settings.pipeline());
    s.put("events", settings.events());
    s.put("repeat", settings.repeat());
    s.put("warmup", settings.warmup());
    s.put("partitions", settings.partitions());
    s.put("event_time_start", settings.start().toString());
    s.put("event_time_span", settings.span().toString());
    s.put("configuration", settingsNote);
    j.put("settings", s);
    j.put("command", command);
    Map<String, Object> mach = new LinkedHashMap<>();
    mach.put("cores", machine.cores());
    mach.put("memory_bytes", machine.memoryBytes());
    mach.put("cpu", machine.cpuModel());
    mach.put("jdk", machine.jdk());
    mach.put("os", machine.os());
    mach.put("load_average_start", machine.loadAverage());
    mach.put("load_average_end", loadAverageAtEnd);
    j.put("machine", mach);
    j.put("load_seconds", loadSeconds);
    j.put("load_cpu_seconds", loadCpuSeconds);
    List<Object> rs = new ArrayList<>();
    for (Measurement m : rows) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", m.id());
      r.put("label", m.label());
      r.put("available", m.available());
      if (!m.available()) {
        r.put("note", m.note());
        rs.add(r);
        continue;
      }
      r.put("events", m.events());
      r.put("events_per_second", m.eventsPerSecond());
      r.put("median_seconds", m.medianSeconds());
      r.put("stream_update_over_row", ratio(UPDATE, m.id()));
      r.put("stream_append_over_row", ratio(APPEND, m.id()));
      r.put("spark_cpu_seconds_per_million", m.sparkCpuPerMillion());
      r.put("broker_cpu_seconds_per_million", m.brokerCpuPerMillion());
      r.put("spark_peak_rss_bytes", (long) m.max(Sample::sparkPeakRss));
      r.put("broker_peak_rss_bytes", (long) m.max(Sample::brokerPeakRss));
      r.put("state_rows", (long) m.max(Sample::stateRows));
      r.put("state_bytes", (long) m.max(Sample::stateBytes));
      List<Object> samples = new ArrayList<>();
      for (Sample x : m.samples()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("seconds", x.seconds());
        sm.put("spark_cpu_seconds", x.sparkCpuSeconds());
        sm.put("broker_cpu_seconds", x.brokerCpuSeconds());
        sm.put("spark_peak_rss_bytes", x.sparkPeakRss());
        sm.put("broker_peak_rss_bytes", x.brokerPeakRss());
        sm.put("state_rows", x.stateRows());
        sm.put("state_bytes", x.stateBytes());
        samples.add(sm);
      }
      r.put("samples", samples);
      rs.add(r);
    }
    j.put("rows", rs);
    List<Object> sc = new ArrayList<>();
    for (ScalePoint.Row r : scaling) {
      Measurement m = r.measurement();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("events", r.point().events());
      p.put("keys", r.point().keys());
      p.put("events_per_second", m.eventsPerSecond());
      p.put("seconds", m.medianSeconds());
      p.put("spark_cpu_seconds_per_million", m.sparkCpuPerMillion());
      p.put("spark_peak_rss_bytes", (long) m.max(Sample::sparkPeakRss));
      p.put("state_rows", (long) m.max(Sample::stateRows));
      p.put("state_bytes", (long) m.max(Sample::stateBytes));
      sc.add(p);
    }
    j.put("scaling", sc);
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (Object[] r : keyRatios()) {
      ratios.put((String) r[0], r[1]);
    }
    j.put("ratios", ratios);
    Map<String, Object> absolute = new LinkedHashMap<>();
    for (Object[] t : absoluteTargets()) {
      absolute.put(t[0] + " (" + t[3] + ")", t[1]);
    }
    j.put("absolute_targets", absolute);
    if (latency != null) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("rate_per_second", latency.rate());
      l.put("seconds", latency.seconds());
      l.put("trigger", latency.trigger());
      l.put("events", latency.events());
      l.put("batches", latency.batches());
      l.put("p50_seconds", latency.p50Seconds());
      l.put("p95_seconds", latency.p95Seconds());
      l.put("p99_seconds", latency.p99Seconds());
      l.put("max_seconds", latency.maxSeconds());
      j.put("latency", l);
    } else {
      j.put("latency", latencyNote);
    }
    j.put("peak_rss_per_run", peaksPerRun);
    j.put("total_seconds", totalSeconds);
    return j;
  }

  private static String fmtRatio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String mb(double bytes) {
    return bytes < 0 || Double.isNaN(bytes)
        ? "?"
        : String.format(Locale.ROOT, "%,.0f", bytes / (1024 * 1024));
  }
}
