package dev.tidemark.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer tuned to load a local broker quickly (leader acknowledgement, large batches, several
 * requests in flight, no idempotence): the bench's data is generated, so a lost send fails the load
 * instead of being retried into a different order. Fails on {@link #flush()} if any send failed.
 */
final class FastProducer implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  FastProducer(String bootstrap) {
    this(bootstrap, 20, 512 * 1024);
  }

  FastProducer(String bootstrap, int lingerMs, int batchBytes) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.RETRIES_CONFIG, 0);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  void send(String topic, String key, byte[] value, long timestamp) {
    producer.send(
        new ProducerRecord<>(topic, null, timestamp, key, value),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }

  void flush() {
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("sending to Kafka failed", failure.get());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
