package dev.tidemark.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Card payments ({@code card-transactions}) as a fraud team sees them: most cards pay a few times
 * an hour, at home, and a few cards have a burst (a stolen card being tested or emptied: a dozen or
 * more payments within minutes, at many merchants, in several countries). So the velocity rule of
 * {@code card-velocity} flags a small share of windows (about 0.26 % of them, those that cover a
 * burst), not every window of the busiest cards.
 *
 * <ul>
 *   <li>Cards: {@value #PAYMENTS_PER_CARD_HOUR} payments an hour on average, so the settings' rate
 *       (count ÷ span) sets how many cards there are (at least {@value #MIN_CARDS}); each card's
 *       rate is the average times a log-normal factor (between 0.2 and 5), so the busiest cards pay
 *       about ten times an hour.
 *   <li>Background payments: event times uniform over the span, in the card's home country (1 in
 *       {@value #ABROAD_ONE_IN} abroad), amounts log-normal around 20 (median).
 *   <li>Bursts: {@value #BURST_SHARE} of the events (at least one burst when there are 100 events
 *       or more), {@value #BURST_MIN} to {@value #BURST_MAX} payments of one card within 2 to 8
 *       minutes, each in a country of its own draw (home or abroad) at any merchant.
 * </ul>
 */
final class CardTransactions implements PayloadFactory {
  static final double PAYMENTS_PER_CARD_HOUR = 3;
  static final int MIN_CARDS = 20;
  static final double BURST_SHARE = 0.03;
  static final int BURST_MIN = 12;
  static final int BURST_MAX = 24;
  static final int ABROAD_ONE_IN = 40;
  private static final String[] HOME = {"DE", "DE", "DE", "FR", "FR", "NL", "ES", "GB", "IT"};
  private static final String[] ABROAD = {
    "US", "GB", "ES", "IT", "PL", "TR", "BR", "TH", "AE", "MX", "NG", "RO"
  };
  private final SkewedChoice merchants = new SkewedChoice(150, 0.8);

  @Override
  public Iterator<Occurrence> schedule(GeneratorSettings settings, Random random) {
    long spanMillis = Math.max(1, settings.span().toMillis());
    double hours = Math.max(spanMillis, 60_000) / 3_600_000.0;
    int cards =
        (int)
            Math.min(
                200_000, Math.max(MIN_CARDS, settings.count() / hours / PAYMENTS_PER_CARD_HOUR));
    List<Occurrence> occurrences = new ArrayList<>(settings.count());
    int burstBudget =
        settings.count() < 100 ? 0 : Math.max(BURST_MIN, (int) (settings.count() * BURST_SHARE));
    while (burstBudget >= BURST_MIN) {
      int size = Math.min(burstBudget, BURST_MIN + random.nextInt(BURST_MAX - BURST_MIN + 1));
      if (burstBudget - size < BURST_MIN) {
        size = burstBudget;
      }
      String card = cardId(random.nextInt(cards));
      long length = Math.min(spanMillis, Duration.ofMinutes(2 + random.nextInt(7)).toMillis());
      Instant from =
          settings.start().plusMillis((long) (random.nextDouble() * (spanMillis - length)));
      for (int k = 0; k < size; k++) {
        occurrences.add(
            new Occurrence(card, from.plusMillis((long) (random.nextDouble() * length)), true));
      }
      burstBudget -= size;
    }
    double[] rates = new double[cards];
    for (int c = 0; c < cards; c++) {
      rates[c] = Math.min(5, Math.max(0.2, Math.exp(0.7 * random.nextGaussian())));
    }
    SkewedChoice card = new SkewedChoice(rates);
    while (occurrences.size() < settings.count()) {
      Instant eventTime = settings.start().plusMillis((long) (random.nextDouble() * spanMillis));
      occurrences.add(new Occurrence(cardId(card.next(random)), eventTime, false));
    }
    return occurrences.iterator();
  }

  @Override
  public String payload(Random random, Occurrence occurrence) {
    BigDecimal amount =
        BigDecimal.valueOf(Math.exp(3 + random.nextGaussian())).setScale(2, RoundingMode.HALF_UP);
    if (occurrence.unusual()) {
      String country =
          random.nextBoolean() ? homeOf(occurrence.key()) : ABROAD[random.nextInt(ABROAD.length)];
      return json(occurrence, random.nextInt(merchants.size()), country, amount);
    }
    String country =
        random.nextInt(ABROAD_ONE_IN) == 0
            ? ABROAD[random.nextInt(ABROAD.length)]
            : homeOf(occurrence.key());
    return json(occurrence, merchants.next(random), country, amount);
  }

  /** A card's home country, fixed by its number. */
  static String homeOf(String card) {
    return HOME[Math.floorMod(card.hashCode(), HOME.length)];
  }

  static String cardId(int card) {
    return String.format("card-%04d", card);
  }

  static String json(Occurrence occurrence, int merchant, String country, BigDecimal amount) {
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-%03d\",\"country\":\"%s\",\"amount\":%s,\"event_time\":\"%s\"}",
        occurrence.key(), merchant, country, amount.toPlainString(), occurrence.eventTime());
  }

  static String wrongType(String key, Instant eventTime) {
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":\"twelve\",\"event_time\":\"%s\"}",
        key, eventTime);
  }

  static String noEventTime(String key) {
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":9.99}", key);
  }

  @Override
  public String wrongTypePayload(String key, Instant eventTime) {
    return wrongType(key, eventTime);
  }

  @Override
  public String noEventTimePayload(String key) {
    return noEventTime(key);
  }
}
