package dev.tidemark.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends generated events to a topic with their arrival time as the Kafka record timestamp. */
public final class EventProducer {
  private EventProducer() {}

  public static void send(String bootstrapServers, String topic, List<GeneratedEvent> events) {
    send(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, events);
  }

  /**
   * Sends with the given client properties (bootstrap servers and any security options, see {@code
   * KafkaClients}) under the producer settings below.
   */
  public static void send(
      Map<String, Object> clientProperties, String topic, List<GeneratedEvent> events) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    // A busy 2-core machine can stall the in-process broker: wait instead of timing out and
    // retrying, which made the idempotent producer fail with out-of-order sequence numbers.
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      for (GeneratedEvent e : events) {
        producer.send(
            new ProducerRecord<>(topic, null, e.timestamp(), e.key(), e.value()),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
      if (failure.get() != null) {
        throw new IllegalStateException("sending to " + topic + " failed", failure.get());
      }
    }
  }
}
