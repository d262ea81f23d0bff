package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void describedInTheLargestUnitThatHoldsItExactly() {
    assertEquals("1 day", Durations.describe(Duration.ofHours(24)));
    assertEquals("90 minutes", Durations.describe(Duration.ofMinutes(90)));
    assertEquals("1500 milliseconds", Durations.describe(Duration.ofMillis(1500)));
  }

  @Test
  void approximatelyToWhatAPersonReadsAtAGlance() {
    assertEquals("0 s", Durations.approximately(Duration.ofMillis(400)));
    assertEquals("59 s", Durations.approximately(Duration.ofSeconds(59)));
    assertEquals("4 min", Durations.approximately(Duration.ofMinutes(4)));
    assertEquals("4 min 10 s", Durations.approximately(Duration.ofSeconds(250)));
    assertEquals("3 h 5 min", Durations.approximately(Duration.ofMinutes(185)));
    assertEquals("47 h 59 min", Durations.approximately(Duration.ofMinutes(2879)));
    assertEquals("147 days", Durations.approximately(Duration.ofSeconds(12_712_424)));
    assertEquals("0 s", Durations.approximately(Duration.ofSeconds(-3)));
  }
}
