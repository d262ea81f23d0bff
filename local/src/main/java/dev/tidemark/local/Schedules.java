package dev.tidemark.local;

import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Function;

/** Schedules shared by several generators. */
final class Schedules {
  private Schedules() {}

  /**
   * Event times uniform over the settings' span, each with a key from {@code key}: no structure in
   * time. Lazy: the i-th {@code next()} draws the time, then the key, from {@code random}.
   */
  static Iterator<Occurrence> uniform(
      GeneratorSettings settings, Random random, Function<Random, String> key) {
    long spanMillis = settings.span().toMillis();
    return new Iterator<>() {
      private int made;

      @Override
      public boolean hasNext() {
        return made < settings.count();
      }

      @Override
      public Occurrence next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        made++;
        Instant eventTime = settings.start().plusMillis((long) (random.nextDouble() * spanMillis));
        return new Occurrence(key.apply(random), eventTime, false);
      }
    };
  }
}
