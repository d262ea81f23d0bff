package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.CardPipelineFiles;
import dev.tidemark.TestKafka;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SinkSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.ops.DimensionStatus;
import dev.tidemark.ops.StatusReader;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.ReplaySource;
import io.delta.tables.DeltaTable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * An enrichment join with a Delta dimension table that changes between two runs of the stream: each
 * event joins the version in force at its event time, so the stream's rows, and a backfill's from
 * Kafka and from bronze run after a third version, are the same, for hand-built records on the real
 * broker. The versions' commit timestamps are set (the local commit files' modification times,
 * which Delta reads as its commit timestamps) to fixed times among the events'.
 */
public class EnrichmentJoinIT {
  private static final Instant T = Instant.parse("2026-05-04T12:00:00Z");
  private static final StructType CARDS = StructType.fromDDL("card_id STRING, tier STRING");

  /** Per card, tier and 5 minutes: transactions and amount. */
  static final String SQL =
      """
      SELECT card_id, tier, window.start AS window_start, to_date(window.start) AS window_date,
             count(*) AS txn_count, sum(amount) AS amount
      FROM events
      GROUP BY card_id, tier, window(event_time, '5 minutes')
      """;

  @Test
  void eachEventJoinsTheVersionOfItsTimeStreamEqualsBackfillAfterTheDimensionChanged()
      throws Exception {
    SparkSession spark = TestSpark.session();
    TidemarkConfig config = TestLake.fresh("enrichment-join");
    String topic = "enrich-" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.broker().createTopics(List.of(topic), 1);
    PipelineSpec pipeline = pipeline(config, topic);
    assertTrue(SlicedAggregation.analyze(spark, pipeline).sliced(), "runs on the sliced path");
    String cards = config.dimensionPath(pipeline.dimensions().get(0));
    PipelineSpec stream = TestLake.variant(pipeline, "enrich-stream", OutputMode.UPDATE);

    // Given the dimension's first version (version 1, after the empty table), committed at 11:00:
    // c-1 silver, c-2 gold,
    commit(spark, cards, Instant.parse("2026-05-04T11:00:00Z"), "c-1,silver", "c-2,gold");
    // and three transactions between 12:00 and 12:05, when the stream runs until caught up,
    send(topic, "c-1,10.00,12:00:10", "c-2,20.00,12:01:00", "c-1,5.00,12:04:00");
    run(spark, config, stream, topic);
    // then they have the tiers of version 1.
    assertEquals(
        List.of(
            "c-1 | silver | 2026-05-04 12:00:00.0 | 2 | 15.00",
            "c-2 | gold | 2026-05-04 12:00:00.0 | 1 | 20.00"),
        gold(config, stream),
        "first run");

    // Given version 2, committed at 12:05: c-1 gold, c-2 gone, c-3 silver,
    commit(spark, cards, Instant.parse("2026-05-04T12:05:00Z"), "c-1,gold", "c-3,silver");
    // and a late c-1 of 12:04:30 (before version 2) and three after 12:05, when the stream runs
    // again,
    send(topic, "c-1,1.00,12:04:30", "c-1,7.00,12:06:00", "c-2,3.00,12:07:00", "c-3,4.00,12:08:00");
    run(spark, config, stream, topic);
    // then the late event has c-1's tier of version 1 and the others those of version 2 (none
    // for c-2).
    List<String> expected =
        List.of(
            "c-1 | gold | 2026-05-04 12:05:00.0 | 1 | 7.00",
            "c-1 | silver | 2026-05-04 12:00:00.0 | 3 | 16.00",
            "c-2 | gold | 2026-05-04 12:00:00.0 | 1 | 20.00",
            "c-2 | null | 2026-05-04 12:05:00.0 | 1 | 3.00",
            "c-3 | silver | 2026-05-04 12:05:00.0 | 1 | 4.00");
    assertEquals(expected, gold(config, stream), "second run");

    // Given version 3, committed now (after every event): every card platinum, a backfill from
    // Kafka and one from bronze write the stream's rows.
    commit(spark, cards, null, "c-1,platinum", "c-2,platinum", "c-3,platinum");
    WindowRange range = new WindowRange(T, T.plus(Duration.ofMinutes(10)), pipeline.window());
    for (ReplaySource source : ReplaySource.ofTopics()) {
      PipelineSpec backfill =
          TestLake.variant(pipeline, "enrich-backfill-" + source.label(), OutputMode.UPDATE);
      new BackfillRunner(spark, config, source).run(backfill, range);
      assertEquals(expected, gold(config, backfill), "backfill from " + source.label());
    }

    // status shows the dimension (Delta Kernel), explain the table among what the stream reads.
    assertEquals(
        List.of(new DimensionStatus("cards", cards, List.of("card_id"), 3L, 3L)),
        new StatusReader(config).read(stream).dimensions());
    assertTrue(
        new PipelineExplain(spark, config)
            .explain(stream)
            .touches()
            .contains(
                "dimension table cards (read, as of each event's time, joined on [card_id]): "
                    + cards));
  }

  /**
   * card-velocity reading {@code topic}, per card, tier and 5 minutes ({@link #SQL}), enriched from
   * the dimension {@code cards} at {@code dim/cards} (card_id, tier), in update mode.
   */
  public static PipelineSpec pipeline(TidemarkConfig config, String topic) {
    PipelineSpec sample = config.pipeline("card-velocity").orElseThrow();
    SinkSpec s = sample.sink();
    return sample
        .withSource(sample.source().withTopics(List.of(topic)).withOptions(Map.of()))
        .withSql(SQL)
        .withWindow(
            new WindowSpec(
                WindowSpec.Type.TUMBLING,
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                "window_start"))
        .withSink(
            new SinkSpec(
                s.table(),
                s.path(),
                s.partitionBy(),
                List.of("card_id", "tier", "window_start"),
                OutputMode.UPDATE,
                s.trigger(),
                List.of()))
        .withDimensions(
            List.of(new DimensionSpec("cards", "dim/cards", List.of("card_id"), "tier STRING")));
  }

  /** The stream and the bronze ingest of its topic, until caught up. */
  private static void run(
      SparkSession spark, TidemarkConfig config, PipelineSpec stream, String topic)
      throws Exception {
    RunningBronze bronze =
        new BronzeIngest(spark, config).start(List.of(topic), TriggerSpec.availableNowTrigger());
    new StreamRunner(spark, config)
        .start(stream, TriggerSpec.availableNowTrigger())
        .awaitTermination();
    bronze.awaitTermination();
  }

  /**
   * Overwrites the dimension table with {@code rows} ("card,tier") as a new version, whose commit
   * timestamp is set to {@code at} (unless null: then it is the commit's own). The table is created
   * first (empty, committed an hour before {@code at}) with its versions kept for ten years: Delta
   * refuses to time travel to a version older than the retention (7 days by default), and these
   * versions are months old.
   */
  private static void commit(SparkSession spark, String path, Instant at, String... rows)
      throws Exception {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      spark.sql(
          "CREATE TABLE delta.`"
              + path
              + "` (card_id STRING, tier STRING) USING delta TBLPROPERTIES"
              + " ('delta.deletedFileRetentionDuration' = 'interval 3650 days',"
              + " 'delta.logRetentionDuration' = 'interval 3650 days')");
      stamp(path, 0, at.minus(Duration.ofHours(1)));
    }
    List<Row> data =
        Arrays.stream(rows).map(r -> RowFactory.create((Object[]) r.split(","))).toList();
    spark.createDataFrame(data, CARDS).write().format("delta").mode("overwrite").save(path);
    if (at != null) {
      stamp(path, DeltaTable.forPath(spark, path).history(1).first().getLong(0), at);
    }
  }

  /** Sets the commit timestamp of a version of a local table (its commit file's mtime). */
  private static void stamp(String path, long version, Instant at) throws Exception {
    Path log = Path.of(path.startsWith("file:") ? URI.create(path).getPath() : path, "_delta_log");
    Files.setLastModifiedTime(log.resolve(String.format("%020d.json", version)), FileTime.from(at));
  }

  /** Card transactions "card,amount,HH:MM:SS" on 2026-05-04, on partition 0 in this order. */
  public static void send(String topic, String... transactions) {
    TestKafka.send(
        Arrays.stream(transactions)
            .map(
                t -> {
                  String[] f = t.split(",");
                  GeneratedEvent e =
                      CardPipelineFiles.transaction(
                          f[0], f[1], Instant.parse("2026-05-04T" + f[2] + "Z"));
                  return new ProducerRecord<>(topic, 0, e.timestamp(), f[0], e.value());
                })
            .toList());
  }

  /** The gold rows: card, tier, window start, transactions, amount. */
  public static List<String> gold(TidemarkConfig config, PipelineSpec spec) {
    return TestSpark.rows(
        TestSpark.table(config.tablePath(spec))
            .selectExpr("card_id", "tier", "window_start", "txn_count", "amount"));
  }
}
