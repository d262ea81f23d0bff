package dev.tidemark.config;

import java.time.Duration;

/** Durations as people write them in the configuration: {@code 15 minutes}, {@code 1 day}. */
public final class Durations {
  private Durations() {}

  /**
   * In the largest unit that holds it exactly: {@code 1 day}, {@code 90 minutes}, {@code 1500
   * milliseconds}.
   */
  public static String describe(Duration d) {
    long ms = d.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"day", "hour", "minute", "second"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms != 0 && ms % sizes[i] == 0) {
        long n = ms / sizes[i];
        return n + " " + units[i] + (n == 1 ? "" : "s");
      }
    }
    return ms + " millisecond" + (ms == 1 ? "" : "s");
  }
}
