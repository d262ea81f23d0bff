package dev.tidemark.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of the scaling table: the update-mode stream over {@code events} events spread over
 * {@code keys} distinct cards (0: the generator's own 400 skewed cards).
 */
record ScalePoint(int events, int keys) {

  /**
   * The grid: each event count at the generator's own keys, then each key count at {@code
   * keysAt} events (the event axis and the key axis cross at no point twice).
   */
  static List<ScalePoint> grid(List<Integer> eventCounts, List<Integer> keyCounts, int keysAt) {
    List<ScalePoint> points = new ArrayList<>();
    for (int n : eventCounts) {
      points.add(new ScalePoint(n, 0));
    }
    for (int k : keyCounts) {
      points.add(new ScalePoint(keysAt, k));
    }
    return points;
  }

  String topicSuffix() {
    return "scale-" + events + "-" + (keys == 0 ? "default" : keys);
  }

  /** The measured row with its scaling point. */
  record Row(ScalePoint point, Measurement measurement) {}
}
