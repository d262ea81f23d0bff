package dev.tidemark.local;

import java.time.Instant;
import java.util.Iterator;
import java.util.Random;

/**
 * Product page views ({@code page-views}): a long tail of pages and of users, both Zipf-like. Of
 * {@value #PAGES} product pages the top ten take about two fifths of the views while most pages are
 * seen a few times an hour; of {@value #USERS} users a few come back again and again and most are
 * seen once or twice. Event times uniform over the span.
 */
final class PageViews implements PayloadFactory {
  static final int PAGES = 1000;
  static final int USERS = 20_000;
  private static final String[] REFERRERS = {"search", "direct", "email", "social"};
  private final SkewedChoice pages = new SkewedChoice(PAGES, 1.0);
  private final SkewedChoice users = new SkewedChoice(USERS, 0.8);

  @Override
  public Iterator<Occurrence> schedule(GeneratorSettings settings, Random random) {
    return Schedules.uniform(settings, random, r -> String.format("user-%05d", users.next(r)));
  }

  @Override
  public String payload(Random random, Occurrence occurrence) {
    return String.format(
        "{\"user_id\":\"%s\",\"page\":\"/products/%d\",\"referrer\":\"%s\",\"event_time\":\"%s\"}",
        occurrence.key(),
        pages.next(random),
        REFERRERS[random.nextInt(REFERRERS.length)],
        occurrence.eventTime());
  }

  @Override
  public String wrongTypePayload(String key, Instant eventTime) {
    return String.format(
        "{\"user_id\":\"%s\",\"page\":\"/products/1\",\"referrer\":\"direct\",\"event_time\":\"yesterday\"}",
        key);
  }

  @Override
  public String noEventTimePayload(String key) {
    return String.format("{\"user_id\":\"%s\",\"page\":\"/products/1\"}", key);
  }
}
