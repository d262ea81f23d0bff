package dev.tidemark.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Random;

/**
 * Card payments: a few hot cards, many quiet ones (400 cards, Zipf-skewed); most spend at home,
 * some abroad. {@link #withKeys} gives a variant over N cards picked uniformly, so that about N
 * distinct cards are seen, for scaling the state.
 */
final class CardTransactions implements PayloadFactory {
  private static final String[] COUNTRIES = {"DE", "DE", "DE", "DE", "FR", "NL", "US", "GB", "ES"};
  private final SkewedChoice cards;
  private final SkewedChoice merchants = new SkewedChoice(150, 0.8);

  CardTransactions() {
    this(400, 1.1);
  }

  private CardTransactions(int cards, double exponent) {
    this.cards = new SkewedChoice(cards, exponent);
  }

  @Override
  public PayloadFactory withKeys(int keys) {
    return new CardTransactions(keys, 0.0);
  }

  @Override
  public String key(Random random) {
    return String.format("card-%04d", cards.next(random));
  }

  @Override
  public String payload(Random random, String key, Instant eventTime) {
    BigDecimal amount =
        BigDecimal.valueOf(Math.exp(3 + random.nextGaussian())).setScale(2, RoundingMode.HALF_UP);
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-%03d\",\"country\":\"%s\",\"amount\":%s,\"event_time\":\"%s\"}",
        key,
        merchants.next(random),
        COUNTRIES[random.nextInt(COUNTRIES.length)],
        amount.toPlainString(),
        eventTime);
  }

  @Override
  public String wrongTypePayload(String key, Instant eventTime) {
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":\"twelve\",\"event_time\":\"%s\"}",
        key, eventTime);
  }

  @Override
  public String noEventTimePayload(String key) {
    return String.format(
        "{\"card_id\":\"%s\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":9.99}", key);
  }
}
