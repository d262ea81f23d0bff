package dev.tidemark.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * IoT temperature sensors ({@code sensor-readings}): {@value #DEVICES} devices on 4 sites, each
 * reporting at its own steady interval (chatty and quiet ones) with a little jitter, a reading that
 * follows the day (coolest at 03:00 UTC, warmest at 15:00, ±{@value #DAILY_AMPLITUDE} °C around the
 * device's own baseline) plus noise, and three faulty devices that a look at min, max and p95 per
 * minute shows:
 *
 * <ul>
 *   <li>{@value #STUCK}: stuck, always the same reading (min = max = p95);
 *   <li>{@value #SPIKY}: 1 reading in {@value #SPIKE_ONE_IN} jumps by 30 to 60 °C (max far above
 *       p95 in those minutes);
 *   <li>{@value #DROPPING}: drops out, silent {@value #OFFLINE_MINUTES} minutes of every {@value
 *       #CYCLE_MINUTES} (minutes without a row).
 * </ul>
 */
final class SensorReadings implements PayloadFactory {
  static final int DEVICES = 60;
  static final double DAILY_AMPLITUDE = 4;
  static final String STUCK = "sensor-004";
  static final String SPIKY = "sensor-007";
  static final String DROPPING = "sensor-011";
  static final int SPIKE_ONE_IN = 25;
  static final int CYCLE_MINUTES = 30;
  static final int OFFLINE_MINUTES = 10;
  private static final double[] WEIGHTS = SkewedChoice.zipf(DEVICES, 0.7);

  @Override
  public Iterator<Occurrence> schedule(GeneratorSettings settings, Random random) {
    long span = settings.span().toMillis();
    long online = onlineMillis(span);
    // The dropping device sends at its usual rate while online: its weight shrinks accordingly.
    double[] weights = WEIGHTS.clone();
    int dropping = deviceNumber(DROPPING);
    weights[dropping] *= span == 0 ? 1 : (double) online / span;
    int[] counts = apportion(settings.count(), weights);
    List<Occurrence> occurrences = new ArrayList<>(settings.count());
    for (int d = 0; d < DEVICES; d++) {
      long active = d == dropping ? online : span;
      double phase = random.nextDouble();
      for (int j = 0; j < counts[d]; j++) {
        double slot = (j + phase + 0.3 * (random.nextDouble() - 0.5)) / counts[d];
        long at = (long) (Math.min(Math.max(slot, 0), 0.999_999) * active);
        long offset = d == dropping ? wallOffset(at) : at;
        occurrences.add(new Occurrence(deviceId(d), settings.start().plusMillis(offset), false));
      }
    }
    return occurrences.iterator();
  }

  @Override
  public String payload(Random random, Occurrence occurrence) {
    String key = occurrence.key();
    int device = deviceNumber(key);
    double reading;
    if (key.equals(STUCK)) {
      reading = 21.37;
    } else {
      reading =
          baseline(device)
              + DAILY_AMPLITUDE * daily(occurrence.eventTime())
              + 0.6 * random.nextGaussian();
      if (key.equals(SPIKY) && random.nextInt(SPIKE_ONE_IN) == 0) {
        reading += 30 + 30 * random.nextDouble();
      }
    }
    return String.format(
        "{\"device_id\":\"%s\",\"site\":\"site-%d\",\"reading\":%s,\"battery\":%d,\"event_time\":\"%s\"}",
        key,
        device % 4,
        Math.round(reading * 100) / 100.0,
        20 + random.nextInt(80),
        occurrence.eventTime());
  }

  /** The daily cycle, -1 at 03:00 UTC to +1 at 15:00 UTC. */
  static double daily(Instant t) {
    double hour = (t.toEpochMilli() % Duration.ofDays(1).toMillis()) / 3_600_000.0;
    return Math.sin(2 * Math.PI * (hour - 9) / 24);
  }

  private static double baseline(int device) {
    return 18 + (device % 10);
  }

  /** Milliseconds of {@code [0, span)} in which the dropping device is online. */
  static long onlineMillis(long span) {
    long cycle = Duration.ofMinutes(CYCLE_MINUTES).toMillis();
    long on = Duration.ofMinutes(CYCLE_MINUTES - OFFLINE_MINUTES).toMillis();
    return span / cycle * on + Math.min(span % cycle, on);
  }

  /** The offset into the span of the dropping device's {@code onlineAt}-th online millisecond. */
  static long wallOffset(long onlineAt) {
    long cycle = Duration.ofMinutes(CYCLE_MINUTES).toMillis();
    long on = Duration.ofMinutes(CYCLE_MINUTES - OFFLINE_MINUTES).toMillis();
    return onlineAt / on * cycle + onlineAt % on;
  }

  /** {@code total} split in proportion to the weights, the rounding remainders to the largest. */
  static int[] apportion(int total, double[] weights) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    int[] counts = new int[weights.length];
    double[] remainders = new double[weights.length];
    int given = 0;
    for (int k = 0; k < weights.length; k++) {
      double exact = total * weights[k] / sum;
      counts[k] = (int) exact;
      remainders[k] = exact - counts[k];
      given += counts[k];
    }
    while (given < total) {
      int best = 0;
      for (int k = 1; k < weights.length; k++) {
        if (remainders[k] > remainders[best]) {
          best = k;
        }
      }
      counts[best]++;
      remainders[best] = -1;
      given++;
    }
    return counts;
  }

  private static int deviceNumber(String key) {
    return Integer.parseInt(key.substring(key.indexOf('-') + 1));
  }

  private static String deviceId(int device) {
    return String.format("sensor-%03d", device);
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
