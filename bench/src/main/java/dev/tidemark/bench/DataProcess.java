package dev.tidemark.bench;

import dev.tidemark.local.EmbeddedKafka;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratorSettings;
import dev.tidemark.local.SampleEvents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The bench's second process: the Kafka broker (KRaft, {@link EmbeddedKafka}) and the event
 * generator, kept out of the Spark JVM so that the pipeline's CPU time and memory are measured
 * apart from the broker's and the generator's. Driven over stdin/stdout, one command a line:
 *
 * <ul>
 *   <li>{@code load TOPIC PARTITIONS COUNT START_MS SPAN_S SEED KEYS} sends {@code COUNT} card
 *       events with event times in {@code [START, START + SPAN)} over {@code KEYS} uniformly picked
 *       cards (0: the generator's 400 skewed cards), answers {@code loaded COUNT};
 *   <li>{@code rate TOPIC PARTITIONS PER_SECOND SECONDS SEED} sends events stamped with the moment
 *       they are sent at a steady rate, answers {@code sent COUNT};
 *   <li>{@code quit} (or end of input) stops the broker.
 * </ul>
 *
 * <p>Answers {@code ready BOOTSTRAP} once the broker listens; a failed command answers {@code error
 * MESSAGE}.
 */
public final class DataProcess {
  /** Events generated and sent per chunk, so memory stays bounded at any event count. */
  static final int CHUNK = 100_000;

  /**
   * The card shape the benchmark has always used (400 Zipf-skewed cards, uniform event times),
   * named so that the demo's more realistic cards (D40) do not change what runs are compared on.
   */
  static final String GENERATOR = "card-transactions-bench";

  /**
   * The generator a benchmarked pipeline declares ({@code demo.generator}): {@link #GENERATOR}
   * sends events of its shape (the same fields), with the keys and times the bench has always used.
   */
  static final String PIPELINE_GENERATOR = "card-transactions";

  private DataProcess() {}

  public static void main(String[] args) throws Exception {
    PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      protocol.println("ready " + kafka.bootstrapServers());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        String[] w = line.split(" ");
        try {
          switch (w[0]) {
            case "load" -> {
              kafka.createTopics(List.of(w[1]), Integer.parseInt(w[2]));
              long sent =
                  load(
                      kafka.bootstrapServers(),
                      w[1],
                      Integer.parseInt(w[3]),
                      Instant.ofEpochMilli(Long.parseLong(w[4])),
                      Duration.ofSeconds(Long.parseLong(w[5])),
                      Long.parseLong(w[6]),
                      Integer.parseInt(w[7]));
              protocol.println("loaded " + sent);
            }
            case "rate" -> {
              kafka.createTopics(List.of(w[1]), Integer.parseInt(w[2]));
              long sent =
                  new RateProducer(kafka.bootstrapServers(), w[1])
                      .run(Integer.parseInt(w[3]), Integer.parseInt(w[4]), Long.parseLong(w[5]));
              protocol.println("sent " + sent);
            }
            default -> protocol.println("error unknown command: " + line);
          }
        } catch (RuntimeException e) {
          protocol.println("error " + e.toString().replace('\n', ' '));
        }
      }
    }
  }

  /** Generates and sends {@code count} events in chunks of consecutive event-time spans. */
  static long load(
      String bootstrap,
      String topic,
      int count,
      Instant start,
      Duration span,
      long seed,
      int keys) {
    int chunks = Math.max(1, (count + CHUNK - 1) / CHUNK);
    Duration chunkSpan = span.dividedBy(chunks);
    long sent = 0;
    try (FastProducer producer = new FastProducer(bootstrap)) {
      for (int i = 0; i < chunks; i++) {
        int n = (int) Math.min(CHUNK, count - sent);
        GeneratorSettings chunk =
            GeneratorSettings.of(start.plus(chunkSpan.multipliedBy(i)), chunkSpan, n, seed + i);
        List<GeneratedEvent> events =
            keys > 0
                ? SampleEvents.generate(GENERATOR, chunk, keys)
                : SampleEvents.generate(GENERATOR, chunk);
        for (GeneratedEvent e : events) {
          producer.send(topic, e.key(), e.value(), e.timestamp());
        }
        sent += n;
      }
      producer.flush();
    }
    return sent;
  }
}
