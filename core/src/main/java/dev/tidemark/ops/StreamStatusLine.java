package dev.tidemark.ops;

import dev.tidemark.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stream's status lines: one per pipeline (and per bronze topic) for an interval, built from
 * the micro-batches its queries reported in it (see {@link BatchMetrics}), instead of one log line
 * per batch. Per pipeline: events read per second over the interval (the records its gold query
 * read from Kafka), the Kafka records it is behind the latest offsets, its watermark and how far
 * that trails the clock, and since the process started the events dropped as late and the records
 * quarantined. A pipeline that ran no batch in the interval is {@code idle}. Not thread-safe: the
 * caller serialises {@link #add} and {@link #lines}.
 */
public final class StreamStatusLine {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter WATERMARK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Map<String, Figures> pipelines = new LinkedHashMap<>();

  /** Takes one batch of one query into the current interval. */
  public void add(BatchMetrics m) {
    Figures f = pipelines.computeIfAbsent(m.pipeline(), p -> new Figures());
    boolean main = m.query().equals("gold") || m.query().equals("bronze");
    if (main) {
      f.batches++;
      f.events += m.inputRows();
      if (m.watermark() != null) {
        f.watermark = m.watermark();
        f.lagSeconds = m.eventTimeLagSeconds();
      }
      if (m.offsetsBehindLatest() != null) {
        f.behind = m.offsetsBehindLatest();
      }
      f.late += m.lateRowsDropped();
    }
    if (m.recordsQuarantined() != null) {
      f.quarantined += m.recordsQuarantined();
    }
  }

  /**
   * The lines for the interval of {@code length} that ends at {@code now}, one per pipeline seen so
   * far, in the order they first reported; starts the next interval.
   */
  public List<String> lines(Instant now, Duration length) {
    List<String> lines = new ArrayList<>();
    double seconds = Math.max(length.toMillis(), 1) / 1000.0;
    pipelines.forEach(
        (name, f) -> {
          StringBuilder line = new StringBuilder(CLOCK.format(now)).append(' ').append(name);
          line.append(": ");
          line.append(
              f.batches == 0 ? "idle" : String.format("%,.0f events/s", f.events / seconds));
          if (f.behind != null) {
            line.append(String.format(", %,d behind", f.behind));
          }
          if (f.watermark != null) {
            line.append(", watermark ").append(WATERMARK.format(f.watermark));
            if (f.lagSeconds != null) {
              line.append(" (")
                  .append(
                      Durations.approximately(Duration.ofMillis(Math.round(f.lagSeconds * 1000))))
                  .append(" behind the clock)");
            }
          }
          if (!name.startsWith(BatchMetrics.BRONZE_PREFIX)) {
            line.append(String.format(", %,d late, %,d quarantined", f.late, f.quarantined));
          }
          lines.add(line.toString());
          f.batches = 0;
          f.events = 0;
        });
    return lines;
  }

  private static final class Figures {
    long batches;
    long events;
    long late;
    long quarantined;
    Long behind;
    Instant watermark;
    Double lagSeconds;
  }
}
