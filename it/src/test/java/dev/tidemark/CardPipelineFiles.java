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

  /**
   * The SQL of {@link #write}'s pipelines with a FILTER aggregate: not sliced (see {@code
   * SlicedAggregation}), so a pipeline with it runs on Spark's stateful aggregation, with a state
   * store.
   */
  public static final String STATEFUL_SQL =
      """
      SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
             count(*) AS txn_count, sum(amount) AS total_amount,
             count(*) FILTER (WHERE amount >= 100) AS large_count
      FROM events GROUP BY card_id, window(event_time, '1 minute')
      """;

  /** Writes the files under {@code dir} and returns the main configuration file. */
  public static Path write(Path dir, String topic, int batch, String... modes) throws IOException {
    return write(dir, "conf/local.conf", topic, batch, modes);
  }

  /**
   * {@link #write} over {@code base} (a configuration file of the project, e.g. {@code
   * conf/s3-local.conf}) instead of conf/local.conf.
   */
  public static Path write(Path dir, String base, String topic, int batch, String... modes)
      throws IOException {
    Files.createDirectories(dir.resolve("pipelines"));
    Path main = dir.resolve("tidemark.conf");
    Files.writeString(
        main,
        "include file(\""
            + TestSpark.projectDir().resolve(base)
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
      writePipeline(dir, "cards-" + mode, "cards.sql", topic, batch, mode);
    }
    return main;
  }

  /**
   * Adds to the files {@link #write} wrote a pipeline {@code cards-stateful-MODE} over the same
   * topic with {@link #STATEFUL_SQL}: Spark's stateful aggregation, its state in a state store.
   */
  public static void addStateful(Path dir, String topic, int batch, String mode)
      throws IOException {
    Files.writeString(dir.resolve("pipelines/cards-stateful.sql"), STATEFUL_SQL);
    writePipeline(dir, "cards-stateful-" + mode, "cards-stateful.sql", topic, batch, mode);
  }

  private static void writePipeline(
      Path dir, String name, String sqlFile, String topic, int batch, String mode)
      throws IOException {
    Files.writeString(
        dir.resolve("pipelines/" + name + ".conf"),
        """
          name = NAME
          source {
            topics = [TOPIC]
            schema = "card_id STRING, merchant_id STRING, country STRING, amount DECIMAL(12,2), event_time TIMESTAMP"
            event-time = event_time
            watermark = 2 minutes
            options { maxOffsetsPerTrigger = BATCH }
          }
          query {
            sql-file = SQL_FILE
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
            .replace("NAME", name)
            .replace("SQL_FILE", sqlFile)
            .replace("MODE", mode)
            .replace("TOPIC", topic)
            .replace("BATCH", Integer.toString(batch)));
  }

  /**
   * A lake of its own for one test: a new one-partition topic named {@code prefix-<random>} on the
   * test broker, the pipelines of {@link #write} for {@code modes} under {@code
   * target/test-lakes/<topic>}, the CLI arguments that point the CLI at them, and the same
   * configuration loaded in this JVM.
   */
  public static CardLake lake(String prefix, String... modes) throws IOException {
    return lake(prefix, 1, modes);
  }

  /** As {@link #lake(String, String...)}, with a topic of {@code partitions} partitions. */
  public static CardLake lake(String prefix, int partitions, String... modes) throws IOException {
    TestSpark.session();
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), partitions);
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
