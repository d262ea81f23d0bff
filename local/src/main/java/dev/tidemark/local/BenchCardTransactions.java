package dev.tidemark.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Random;

/**
 * The benchmark's card payments ({@code card-transactions-bench}), the card shape before D40, kept
 * unchanged so that benchmark runs stay comparable over time (docs/benchmarks.md): 400 cards,
 * Zipf-skewed (exponent 1.1, so the hottest cards pay every few seconds and are flagged in nearly
 * every window), event times uniform over the span, countries drawn anew for every payment. {@link
 * #withKeys} gives a variant over N cards picked uniformly, so that about N distinct cards are
 * seen, for scaling the state. The same seed gives the same bytes as before D40; a test pins them.
 */
final class BenchCardTransactions implements PayloadFactory {
  private static final String[] COUNTRIES = {"DE", "DE", "DE", "DE", "FR", "NL", "US", "GB", "ES"};
  private final SkewedChoice cards;
  private final SkewedChoice merchants = new SkewedChoice(150, 0.8);

  BenchCardTransactions() {
    this(400, 1.1);
  }

  private BenchCardTransactions(int cards, double exponent) {
    this.cards = new SkewedChoice(cards, exponent);
  }

  @Override
  public PayloadFactory withKeys(int keys) {
    return new BenchCardTransactions(keys, 0.0);
  }

  @Override
  public Iterator<Occurrence> schedule(GeneratorSettings settings, Random random) {
    return Schedules.uniform(settings, random, r -> CardTransactions.cardId(cards.next(r)));
  }

  @Override
  public String payload(Random random, Occurrence occurrence) {
    BigDecimal amount =
        BigDecimal.valueOf(Math.exp(3 + random.nextGaussian())).setScale(2, RoundingMode.HALF_UP);
    int merchant = merchants.next(random);
    String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
    return CardTransactions.json(occurrence, merchant, country, amount);
  }

  @Override
  public String wrongTypePayload(String key, java.time.Instant eventTime) {
    return CardTransactions.wrongType(key, eventTime);
  }

  @Override
  public String noEventTimePayload(String key) {
    return CardTransactions.noEventTime(key);
  }
}
