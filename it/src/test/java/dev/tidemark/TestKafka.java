package dev.tidemark;

import dev.tidemark.local.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The one embedded KRaft broker of a test JVM, started on first use, stopped at exit. */
public final class TestKafka {
  private static EmbeddedKafka kafka;

  private TestKafka() {}

  public static synchronized EmbeddedKafka broker() {
    if (kafka == null) {
      try {
        kafka = EmbeddedKafka.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> kafka.close()));
    }
    return kafka;
  }

  /**
   * Sends records as given (topic, partition, timestamp, key, value and headers) to the test
   * broker, in order, and waits until each is acknowledged.
   */
  public static void send(List<ProducerRecord<String, byte[]>> records) {
    Map<String, Object> props =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r).get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("sending to the test broker failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
