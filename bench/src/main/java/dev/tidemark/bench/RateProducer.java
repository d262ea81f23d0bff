package dev.tidemark.bench;

import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends card events at a steady rate for the latency measurement: each second's events are
 * generated with event times in that second and sent spread evenly over it, each stamped (Kafka
 * record timestamp) with the moment it is handed to the producer. That timestamp is the start of
 * the event-to-visible latency.
 */
final class RateProducer {
  private final String bootstrap;
  private final String topic;

  RateProducer(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  long run(int perSecond, int seconds, long seed) {
    long sent = 0;
    // Small linger: latency, not throughput, is what this producer is for.
    try (FastProducer producer = new FastProducer(bootstrap, 2, 64 * 1024)) {
      long startNanos = System.nanoTime();
      for (int s = 0; s < seconds; s++) {
        Instant now = Instant.now();
        GeneratorSettings settings =
            new GeneratorSettings(
                now,
                Duration.ofSeconds(1),
                perSecond,
                seed + s,
                Duration.ZERO,
                0,
                Duration.ZERO,
                0);
        List<GeneratedEvent> events = SampleEvents.generate(DataProcess.GENERATOR, settings);
        for (int i = 0; i < events.size(); i++) {
          long due = startNanos + s * 1_000_000_000L + i * 1_000_000_000L / perSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          GeneratedEvent e = events.get(i);
          producer.send(topic, e.key(), e.value(), System.currentTimeMillis());
          sent++;
        }
      }
      producer.flush();
    }
    return sent;
  }
}
