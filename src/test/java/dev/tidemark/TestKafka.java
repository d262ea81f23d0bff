package dev.tidemark;

import dev.tidemark.local.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;

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
}
