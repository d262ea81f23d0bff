package dev.tidemark.local;

import dev.tidemark.local.GeneratedEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Realistic sample streams for the three use cases, deterministic for a given seed: skewed keys,
 * out-of-order arrival (Kafka timestamp = event time + a random delay), a share of late events and
 * a share of malformed records of several kinds. Events are returned in arrival order.
 */
public final class SampleEvents {
  private static final Map<String, PayloadFactory> FACTORIES =
      Map.of(
          "card-transactions", new CardTransactions(),
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
   * scaling runs); only generators with a variable key set support it (card-transactions).
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
    long spanMillis = settings.span().toMillis();
    long maxDelay = settings.maxDelay().toMillis();
    List<GeneratedEvent> events = new ArrayList<>(settings.count());
    for (int i = 0; i < settings.count(); i++) {
      Instant eventTime =
          settings
              .start()
              .plusMillis((long) (random.nextDouble() * spanMillis))
              .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      String key = factory.key(random);
      double roll = random.nextDouble();
      if (roll < settings.malformedFraction()) {
        long arrival = eventTime.toEpochMilli() + (long) (random.nextDouble() * maxDelay);
        events.add(malformed(factory, key, eventTime, arrival, i));
      } else if (roll < settings.malformedFraction() + settings.lateFraction()) {
        long arrival = eventTime.plus(settings.lateBy()).toEpochMilli();
        events.add(
            event(key, factory.payload(random, key, eventTime), arrival, eventTime, Kind.LATE));
      } else {
        long delay = (long) Math.min(maxDelay, -Math.log(1 - random.nextDouble()) * maxDelay / 4);
        events.add(
            event(
                key,
                factory.payload(random, key, eventTime),
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
      PayloadFactory factory, String key, Instant eventTime, long arrival, int i) {
    String payload =
        switch (i % 5) {
          case 0 -> "not json at all";
          case 1 -> truncate(factory.payload(new Random(i), key, eventTime));
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
