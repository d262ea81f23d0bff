package dev.tidemark.local;

import java.time.Instant;
import java.util.Random;

/** IoT temperature sensors: chatty and quiet devices, each around its own baseline. */
final class SensorReadings implements PayloadFactory {
  private final SkewedChoice devices = new SkewedChoice(60, 0.7);

  @Override
  public String key(Random random) {
    return String.format("sensor-%03d", devices.next(random));
  }

  @Override
  public String payload(Random random, String key, Instant eventTime) {
    int device = Integer.parseInt(key.substring(key.indexOf('-') + 1));
    double baseline = 18 + (device % 10);
    double reading = Math.round((baseline + 1.5 * random.nextGaussian()) * 100) / 100.0;
    return String.format(
        "{\"device_id\":\"%s\",\"site\":\"site-%d\",\"reading\":%s,\"battery\":%d,\"event_time\":\"%s\"}",
        key, device % 4, reading, 20 + random.nextInt(80), eventTime);
  }

  @Override
  public String wrongTypePayload(String key, Instant eventTime) {
    return String.format(
        "{\"device_id\":\"%s\",\"site\":\"site-0\",\"reading\":\"hot\",\"battery\":50,\"event_time\":\"%s\"}",
        key, eventTime);
  }

  @Override
  public String noEventTimePayload(String key) {
    return String.format("{\"device_id\":\"%s\",\"site\":\"site-0\",\"reading\":21.5}", key);
  }
}
