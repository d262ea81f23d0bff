package dev.tidemark.local;

import static dev.tidemark.local.SamplePayloads.countBy;
import static dev.tidemark.local.SamplePayloads.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shapes of the sample streams (D40), from seeded samples: pure functions, no broker. */
class SampleEventsTest {
  static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

  static List<GeneratedEvent> sample(String generator, Duration span, int count, long seed) {
    return SampleEvents.generate(generator, GeneratorSettings.of(START, span, count, seed));
  }

  @Test
  void theSameSeedGivesTheSameEventsAndAnotherSeedOthers() {
    for (String generator : SampleEvents.names()) {
      List<GeneratedEvent> a = sample(generator, Duration.ofHours(1), 2000, 1);
      List<GeneratedEvent> b = sample(generator, Duration.ofHours(1), 2000, 1);
      List<GeneratedEvent> c = sample(generator, Duration.ofHours(1), 2000, 2);

      assertEquals(2000, a.size(), generator);
      assertEquals(digest(a), digest(b), generator);
      assertNotEquals(digest(a), digest(c), generator);
      assertTrue(
          a.stream()
              .allMatch(
                  e ->
                      e.eventTime() == null
                          || !e.eventTime().isBefore(START)
                              && e.eventTime().isBefore(START.plus(Duration.ofHours(1)))),
          generator + ": event times inside the span");
    }
  }

  @Test
  void theBenchmarkCardsAreTheSameBytesAsBeforeD40() {
    // Digests of the card-transactions generator as it was before D40 (commit c6ef079), the
    // benchmark's load and its --keys variant: runs stay comparable with docs/benchmarks.md.
    assertEquals(
        "4fd046b9864798cb7426d03248d351ae82c46cf7e6933f725e31afb01968a317",
        digest(sample("card-transactions-bench", Duration.ofHours(4), 5000, 42)));
    assertEquals(
        "1d3a0fdc09872e9afa17770c51f050263ca2ece17752d2256553623fbb5c1231",
        digest(
            SampleEvents.generate(
                "card-transactions-bench",
                GeneratorSettings.of(START, Duration.ofHours(4), 5000, 43),
                1000)));
  }

  @Test
  void mostCardsPayAFewTimesAnHourAndBurstsFlagASmallShareOfWindows() {
    // The demo's stream: 20,000 payments in 2 hours.
    List<GeneratedEvent> events = sample("card-transactions", Duration.ofHours(2), 20_000, 7);
    Map<String, Long> perCard = countBy(events, GeneratedEvent::key);
    long[] sorted = perCard.values().stream().mapToLong(Long::longValue).sorted().toArray();
    CardWindows windows = new CardWindows(events);
    long flaggedCards = windows.flagged().stream().map(w -> w.split(" ")[0]).distinct().count();

    double medianPerHour = sorted[sorted.length / 2] / 2.0;
    assertTrue(
        medianPerHour >= 1 && medianPerHour <= 5, "median payments per card-hour " + medianPerHour);
    assertTrue(sorted[sorted.length - 1] >= 12, "some card bursts: " + sorted[sorted.length - 1]);
    assertTrue(
        windows.flaggedShare() > 0.0005 && windows.flaggedShare() < 0.005,
        "flagged windows " + windows.flagged().size() + " of " + windows.windows());
    assertTrue(
        flaggedCards > 5 && flaggedCards < perCard.size() / 50,
        flaggedCards + " of " + perCard.size() + " cards flagged");
  }

  @Test
  void aSmallStreamStillHasABurst() {
    CardWindows windows =
        new CardWindows(sample("card-transactions", Duration.ofMinutes(40), 300, 3));

    assertFalse(windows.flagged().isEmpty());
    assertTrue(windows.flaggedShare() < 0.05, "share " + windows.flaggedShare());
  }

  @Test
  void sensorsFollowTheDayAndThreeDevicesAreFaulty() {
    List<GeneratedEvent> events =
        SamplePayloads.wellFormed(sample("sensor-readings", Duration.ofDays(1), 30_000, 5));
    Map<String, List<Double>> readings =
        events.stream()
            .collect(
                Collectors.groupingBy(
                    GeneratedEvent::key,
                    Collectors.mapping(
                        e -> Double.parseDouble(field(e, "reading")), Collectors.toList())));

    // A healthy device: warmer at 15:00 than at 03:00 by about twice the amplitude.
    assertEquals(
        2 * SensorReadings.DAILY_AMPLITUDE,
        meanAtHour(events, "sensor-001", 15) - meanAtHour(events, "sensor-001", 3),
        1.0);
    // Stuck: one value; spiky: a maximum far above its 95th percentile's neighbourhood.
    assertEquals(1, readings.get(SensorReadings.STUCK).stream().distinct().count());
    List<Double> spiky = readings.get(SensorReadings.SPIKY).stream().sorted().toList();
    assertTrue(spiky.get(spiky.size() - 1) - spiky.get(spiky.size() / 2) > 25, "spikes");
    List<Double> healthy = readings.get("sensor-008").stream().sorted().toList();
    assertTrue(healthy.get(healthy.size() - 1) - healthy.get(healthy.size() / 2) < 10, "no spikes");
    // Dropping out: silent 10 minutes of every 30 (from the span's start), the others never.
    assertTrue(minutesHeard(events, SensorReadings.DROPPING).stream().allMatch(m -> m % 30 < 20));
    assertTrue(minutesHeard(events, "sensor-012").stream().anyMatch(m -> m % 30 >= 20));
  }

  @Test
  void pagesAndUsersHaveALongTail() {
    List<GeneratedEvent> events = sample("page-views", Duration.ofHours(2), 20_000, 11);
    long[] pages = descending(countBy(events, e -> field(e, "page")));
    long[] users = descending(countBy(events, GeneratedEvent::key));
    long views = java.util.Arrays.stream(pages).sum();

    // The top tenth of the catalogue takes most views; its less viewed half, about a tenth.
    assertTrue(sum(pages, PageViews.PAGES / 10) > 0.6 * views, "head");
    assertTrue(views - sum(pages, PageViews.PAGES / 2) < 0.15 * views, "tail");
    // A few users come back often, most are seen once or twice.
    assertTrue(users[0] >= 50, "the most active user: " + users[0]);
    assertTrue(
        java.util.Arrays.stream(users).filter(n -> n <= 2).count() > users.length / 2,
        "users seen at most twice");
  }

  private static double meanAtHour(List<GeneratedEvent> events, String device, int hour) {
    return events.stream()
        .filter(
            e -> e.key().equals(device) && e.eventTime().atZone(ZoneOffset.UTC).getHour() == hour)
        .mapToDouble(e -> Double.parseDouble(field(e, "reading")))
        .average()
        .orElseThrow();
  }

  private static List<Long> minutesHeard(List<GeneratedEvent> events, String device) {
    return events.stream()
        .filter(e -> e.key().equals(device))
        .map(e -> Duration.between(START, e.eventTime()).toMinutes())
        .toList();
  }

  private static long[] descending(Map<String, Long> counts) {
    return counts.values().stream()
        .mapToLong(Long::longValue)
        .map(n -> -n)
        .sorted()
        .map(n -> -n)
        .toArray();
  }

  private static long sum(long[] counts, int first) {
    return java.util.Arrays.stream(counts).limit(first).sum();
  }

  /** A digest of everything a consumer sees of the events: keys, bytes, timestamps, kinds. */
  static String digest(List<GeneratedEvent> events) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (GeneratedEvent e : events) {
        sha.update(
            (e.key() + "|" + e.timestamp() + "|" + e.eventTime() + "|" + e.kind() + "|")
                .getBytes(StandardCharsets.UTF_8));
        sha.update(e.value());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
