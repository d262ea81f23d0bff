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

  /** A duration to the precision a person reads at a glance: {@code 40 s}, {@code 3 h 5 min}. */
  public static String approximately(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
    if (s < 2 * 86_400) {
      long minutes = (s % 3600) / 60;
      return (s / 3600) + " h" + (minutes == 0 ? "" : " " + minutes + " min");
    }
    return (s / 86_400) + " days";
  }
}
