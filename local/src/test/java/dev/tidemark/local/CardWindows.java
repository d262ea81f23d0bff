package dev.tidemark.local;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The card-velocity pipeline's windows computed in plain Java from generated events, as a reference
 * for tests: per card, 10-minute windows sliding every minute, flagged by the rule of {@code
 * conf/pipelines/card-velocity.sql} (12 or more payments, 1,500 or more spent, or 4 or more
 * countries).
 */
public final class CardWindows {
  private static final Duration SIZE = Duration.ofMinutes(10);

  /** One card's window: its payments, total and countries. */
  public static final class Window {
    long payments;
    BigDecimal total = BigDecimal.ZERO;
    final Set<String> countries = new HashSet<>();

    public boolean flagged() {
      return payments >= 12
          || total.compareTo(BigDecimal.valueOf(1500)) >= 0
          || countries.size() >= 4;
    }
  }

  private final Map<String, Window> windows = new TreeMap<>();

  /** The windows of the well-formed events ({@code MALFORMED} ones are left out). */
  public CardWindows(List<GeneratedEvent> events) {
    for (GeneratedEvent e : SamplePayloads.wellFormed(events)) {
      Instant newest = e.eventTime().truncatedTo(ChronoUnit.MINUTES);
      BigDecimal amount = new BigDecimal(SamplePayloads.field(e, "amount"));
      String country = SamplePayloads.field(e, "country");
      for (long k = 0; k < SIZE.toMinutes(); k++) {
        Window w =
            windows.computeIfAbsent(
                e.key() + " " + newest.minus(Duration.ofMinutes(k)), x -> new Window());
        w.payments++;
        w.total = w.total.add(amount);
        w.countries.add(country);
      }
    }
  }

  public int windows() {
    return windows.size();
  }

  /** The flagged windows as "card window-start" (window start as an ISO instant), sorted. */
  public List<String> flagged() {
    return windows.entrySet().stream()
        .filter(e -> e.getValue().flagged())
        .map(Map.Entry::getKey)
        .toList();
  }

  public double flaggedShare() {
    return (double) flagged().size() / windows.size();
  }
}
