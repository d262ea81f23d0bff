package dev.tidemark.config;

import java.time.Duration;

/**
 * When a streaming query runs a micro-batch: every {@code interval} (processing time), or, when
 * {@code availableNow}, over everything in Kafka at start and then stop.
 */
public record TriggerSpec(boolean availableNow, Duration interval) {
  public static TriggerSpec availableNowTrigger() {
    return new TriggerSpec(true, Duration.ZERO);
  }

  public static TriggerSpec every(Duration interval) {
    return new TriggerSpec(false, interval);
  }

  @Override
  public String toString() {
    return availableNow ? "available-now" : Durations.describe(interval);
  }
}
