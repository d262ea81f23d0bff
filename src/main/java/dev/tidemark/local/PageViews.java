package dev.tidemark.local;

import java.time.Instant;
import java.util.Random;

/** Product page views: a long tail of pages, returning and new users. */
final class PageViews implements PayloadFactory {
  private static final String[] REFERRERS = {"search", "direct", "email", "social"};
  private final SkewedChoice pages = new SkewedChoice(120, 1.0);
  private final SkewedChoice users = new SkewedChoice(3000, 0.6);

  @Override
  public String key(Random random) {
    return String.format("user-%05d", users.next(random));
  }

  @Override
  public String payload(Random random, String key, Instant eventTime) {
    return String.format(
        "{\"user_id\":\"%s\",\"page\":\"/products/%d\",\"referrer\":\"%s\",\"event_time\":\"%s\"}",
        key, pages.next(random), REFERRERS[random.nextInt(REFERRERS.length)], eventTime);
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
