package dev.tidemark.local;

import java.time.Duration;
import java.time.Instant;

/**
 * What to generate: {@code count} events with event times in {@code [start, start + span)}.
 *
 * @param maxDelay arrival trails event time by up to this much (out-of-order delivery); keep it
 *     below the pipeline's watermark delay for events that are not meant to be late
 * @param lateFraction share of events that arrive {@code lateBy} after their event time
 * @param malformedFraction share of records that are broken in one of several ways
 */
public record GeneratorSettings(
    Instant start,
    Duration span,
    int count,
    long seed,
    Duration maxDelay,
    double lateFraction,
    Duration lateBy,
    double malformedFraction) {

  public static GeneratorSettings of(Instant start, Duration span, int count, long seed) {
    return new GeneratorSettings(
        start, span, count, seed, Duration.ofSeconds(90), 0.01, Duration.ofHours(1), 0.01);
  }

  public GeneratorSettings onTimeOnly() {
    return new GeneratorSettings(
        start, span, count, seed, maxDelay, 0.0, lateBy, malformedFraction);
  }
}
