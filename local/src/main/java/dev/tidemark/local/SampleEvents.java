package dev.tidemark.local;

import dev.tidemark.local.GeneratedEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Realistic sample streams for the three use cases, deterministic for a given seed (D40): each
 * generator's {@link PayloadFactory} says when and for which key events happen and what they hold
 * (cards that pay a few times an hour with rare bursts, sensors with a daily cycle and faulty
 * devices, a long tail of pages and users); on top, for every generator, out-of-order arrival
 * (Kafka timestamp = event time + a random delay), a share of late events and a share of malformed
 * records of several kinds. Events are returned in arrival order. {@code card-transactions-bench}
 * is the benchmark's card stream, unchanged since before D40.
 */
public final class SampleEvents {
  private static final Map<String, PayloadFactory> FACTORIES =
      Map.of(
          "card-transactions", new CardTransactions(),
          "card-transactions-bench", new BenchCardTransactions(),
          "sensor-readings", new SensorReadings(),
          "page-views", new PageViews());

  private SampleEvents() {}

  /** Generator names a pipeline can declare in {@code demo.generator}. */
  public static List<String> names() {
    return FACTORIES.keySet().stream().sorted().toList();
  }

  public static List<GeneratedEvent> generate(String name, GeneratorSettings settings) {
    return generate(factory(name), settings);
  }

  /**
   * The stream of generator {@code name} over {@code keys} distinct keys picked uniformly (for
   * scaling runs); only generators with a variable key set support it (card-transactions-bench).
   */
  public static List<GeneratedEvent> generate(String name, GeneratorSettings settings, int keys) {
    return generate(
        KEYED.computeIfAbsent(name + "/" + keys, k -> factory(name).withKeys(keys)), settings);
  }

  private static final Map<String, PayloadFactory> KEYED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static PayloadFactory factory(String name) {
    PayloadFactory factory = FACTORIES.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown generator '" + name + "'; known: " + names());
    }
    return factory;
  }

  private static List<GeneratedEvent> generate(PayloadFactory factory, GeneratorSettings settings) {
    Random random = new Random(settings.seed());
    long maxDelay = settings.maxDelay().toMillis();
    List<GeneratedEvent> events = new ArrayList<>(settings.count());
    Iterator<Occurrence> schedule = factory.schedule(settings, random);
    for (int i = 0; schedule.hasNext(); i++) {
      Occurrence occurrence = schedule.next();
      Instant eventTime = occurrence.eventTime();
      String key = occurrence.key();
      double roll = random.nextDouble();
      if (roll < settings.malformedFraction()) {
        long arrival = eventTime.toEpochMilli() + (long) (random.nextDouble() * maxDelay);
        events.add(malformed(factory, occurrence, arrival, i));
      } else if (roll < settings.malformedFraction() + settings.lateFraction()) {
        long arrival = eventTime.plus(settings.lateBy()).toEpochMilli();
        events.add(event(key, factory.payload(random, occurrence), arrival, eventTime, Kind.LATE));
      } else {
        long delay = (long) Math.min(maxDelay, -Math.log(1 - random.nextDouble()) * maxDelay / 4);
        events.add(
            event(
                key,
                factory.payload(random, occurrence),
                eventTime.toEpochMilli() + delay,
                eventTime,
                Kind.ON_TIME));
      }
    }
    // Arrival order; late events arriving after the span are kept (Kafka time beyond the span).
    events.sort(Comparator.comparingLong(GeneratedEvent::timestamp));
    return events;
  }

  private static GeneratedEvent malformed(
      PayloadFactory factory, Occurrence occurrence, long arrival, int i) {
    String key = occurrence.key();
    Instant eventTime = occurrence.eventTime();
    String payload =
        switch (i % 5) {
          case 0 -> "not json at all";
          case 1 -> truncate(factory.payload(new Random(i), occurrence));
          case 2 -> factory.wrongTypePayload(key, eventTime);
          case 3 -> factory.noEventTimePayload(key);
          default -> "";
        };
    return event(key, payload, arrival, null, Kind.MALFORMED);
  }

  private static String truncate(String json) {
    return json.substring(0, json.length() / 2);
  }

  private static GeneratedEvent event(
      String key, String payload, long arrival, Instant eventTime, Kind kind) {
    return new GeneratedEvent(
        key, payload.getBytes(StandardCharsets.UTF_8), arrival, eventTime, kind);
  }

  /** A one-line description of what a list holds, for logs and summaries. */
  public static String describe(List<GeneratedEvent> events) {
    long late = events.stream().filter(e -> e.kind() == Kind.LATE).count();
    long bad = events.stream().filter(e -> e.kind() == Kind.MALFORMED).count();
    return String.format(
        Locale.ROOT, "%d events (%d late, %d malformed)", events.size(), late, bad);
  }
}
