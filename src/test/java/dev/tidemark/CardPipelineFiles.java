package dev.tidemark;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.GeneratedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a configuration (the shipped conf/local.conf plus a pipelines folder) for tests that run
 * the CLI, in this JVM or in a child: a card pipeline per output mode, named {@code cards-MODE},
 * all reading one topic. One-minute tumbling windows with exact aggregates only, so any two runs
 * over the same input agree to the last digit; the rule {@code non-negative-amount = "amount >=
 * 0"}; micro-batches of at most {@code batch} records.
 */
public final class CardPipelineFiles {
  private CardPipelineFiles() {}

  /**
   * A card transaction of the pipelines' schema, keyed by its card, with the event time as the
   * Kafka timestamp; {@code amount} as JSON number text (e.g. {@code "-1.5"}).
   */
  public static GeneratedEvent transaction(String card, String amount, Instant eventTime) {
    String json =
        "{\"card_id\":\""
            + card
            + "\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":"
            + amount
            + ",\"event_time\":\""
            + eventTime
            + "\"}";
    return new GeneratedEvent(
        card,
        json.getBytes(StandardCharsets.UTF_8),
        eventTime.toEpochMilli(),
        eventTime,
        GeneratedEvent.Kind.ON_TIME);
  }

  /** Writes the files under {@code dir} and returns the main configuration file. */
  public static Path write(Path dir, String topic, int batch, String... modes) throws IOException {
    Files.createDirectories(dir.resolve("pipelines"));
    Path main = dir.resolve("tidemark.conf");
    Files.writeString(
        main,
        "include file(\""
            + TestSpark.projectDir().resolve("conf/local.conf")
            + "\")\n"
            + "tidemark.pipelines-dir = pipelines\n"
            + "tidemark.kafka.commit-offsets = false\n");
    Files.writeString(
        dir.resolve("pipelines/cards.sql"),
        """
        SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
               count(*) AS txn_count, sum(amount) AS total_amount, min(amount) AS min_amount,
               max(amount) AS max_amount, size(collect_set(country)) AS countries
        FROM events GROUP BY card_id, window(event_time, '1 minute')
        """);
    for (String mode : modes) {
      Files.writeString(
          dir.resolve("pipelines/cards-" + mode + ".conf"),
          """
          name = cards-MODE
          source {
            topics = [TOPIC]
            schema = "card_id STRING, merchant_id STRING, country STRING, amount DECIMAL(12,2), event_time TIMESTAMP"
            event-time = event_time
            watermark = 2 minutes
            options { maxOffsetsPerTrigger = BATCH }
          }
          query {
            sql-file = cards.sql
            window { type = tumbling, size = 1 minute }
          }
          sink {
            partition-by = [window_date]
            keys = [card_id, window_start]
            output-mode = MODE
            trigger = available-now
          }
          expectations { non-negative-amount = "amount >= 0" }
          """
              .replace("MODE", mode)
              .replace("TOPIC", topic)
              .replace("BATCH", Integer.toString(batch)));
    }
    return main;
  }

  /**
   * A lake of its own for one test: a new one-partition topic named {@code prefix-<random>} on the
   * test broker, the pipelines of {@link #write} for {@code modes} under {@code
   * target/test-lakes/<topic>}, the CLI arguments that point the CLI at them, and the same
   * configuration loaded in this JVM.
   */
  public static CardLake lake(String prefix, String... modes) throws IOException {
    TestSpark.session();
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    Path dir = TestSpark.projectDir().resolve("target/test-lakes/" + topic);
    Path conf = write(dir, topic, 1000, modes);
    String lake = dir.resolve("lake").toString();
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("tidemark.lake", lake);
    overrides.put("tidemark.checkpoints", lake + "/_checkpoints");
    overrides.put("tidemark.kafka.bootstrap-servers", TestKafka.broker().bootstrapServers());
    List<String> cli = new ArrayList<>(List.of("--conf", conf.toString()));
    overrides.forEach((key, value) -> cli.addAll(List.of("--set", key + "=" + value)));
    return new CardLake(topic, List.copyOf(cli), ConfigLoader.load(conf, overrides));
  }

  /** What {@link #lake} made: the topic, the CLI arguments for it and the loaded configuration. */
  public record CardLake(String topic, List<String> cli, TidemarkConfig config) {}
}
