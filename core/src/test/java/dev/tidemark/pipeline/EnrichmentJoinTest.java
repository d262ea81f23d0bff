package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.PipelineFixture;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrichment joins: the {@code dimensions} block of a pipeline file, what {@code validate} says
 * about it, and the join as of each event's time.
 */
class EnrichmentJoinTest {
  private static final String CARDS =
      "dimensions {\n"
          + "  cards { path = \"dim/cards\", key = [card_id], schema = \"tier STRING\" }\n"
          + "}\n";

  private static final String BY_TIER =
      """
      SELECT card_id, tier, window.start AS window_start, to_date(window.start) AS window_date,
             sum(amount) AS total
      FROM events GROUP BY card_id, tier, window(event_time, '5 minutes')
      """;

  @TempDir Path dir;

  private final SparkSession spark = TestSpark.session();

  private PipelineFixture fixture(String dimensions) {
    return new PipelineFixture(dir).replaceInPipeline("sink {", dimensions + "sink {");
  }

  private static List<String> problems(List<ConfigProblem> found) {
    return found.stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aMistypedKeyOfADimensionIsNamedWithTheNearestKnownKey() {
    PipelineFixture fixture =
        fixture(CARDS.replace("schema = \"tier STRING\"", "shema = \"tier STRING\""));
    Path conf = fixture.write();

    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load(conf, Map.of(), Map.of()));

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": dimensions.cards.shema: unknown key (line 13); did you mean"
                + " `dimensions.cards.schema`?",
            fixture.pipelineFile() + ": dimensions.cards.schema: is required but missing"),
        problems(e.problems()));
  }

  @Test
  void validateNamesAMissingTableAndAcceptsThePipelineOnceTheTableHasTheColumns() {
    TidemarkConfig config =
        ConfigLoader.load(fixture(CARDS).sql(BY_TIER).write(), Map.of(), Map.of());
    PipelineSpec spec = config.pipelines().get(0);
    PipelineValidator validator = new PipelineValidator(spark, config);
    String table = config.lake() + "/dim/cards";

    assertEquals(
        List.of(
            spec.file()
                + ": [dimensions] dimensions.cards.path: no Delta table at "
                + table
                + ": create the dimension table before the pipeline runs (README, Enrichment"
                + " joins)"),
        problems(validator.check(spec)));

    spark
        .createDataFrame(
            List.of(RowFactory.create("c-1", "gold")),
            StructType.fromDDL("card_id STRING, segment STRING"))
        .write()
        .format("delta")
        .save(table);
    assertEquals(
        List.of(
            spec.file()
                + ": [dimensions] dimensions.cards.path: the table at "
                + table
                + " has no column [tier]; its columns: [card_id, segment]"),
        problems(validator.check(spec)));

    spark
        .createDataFrame(
            List.of(RowFactory.create("c-1", "gold", "x")),
            StructType.fromDDL("card_id STRING, tier STRING, note STRING"))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(table);
    assertEquals(List.of(), problems(validator.check(spec)));
  }

  @Test
  void keysAndColumnsAreCheckedAgainstTheEventsAndAJoinNeedsTheSlicedPath() {
    TidemarkConfig config =
        ConfigLoader.load(
            fixture(
                    CARDS
                        .replace("key = [card_id]", "key = [card]")
                        .replace("tier STRING", "amount DOUBLE"))
                .write(),
            Map.of(),
            Map.of());
    PipelineSpec spec = config.pipelines().get(0);
    assertEquals(
        List.of(
            spec.file()
                + ": [dimensions] dimensions.cards.key: 'card' is not an event column [card_id,"
                + " amount, event_time]",
            spec.file()
                + ": [dimensions] dimensions.cards.schema: 'amount' is already a column of the"
                + " events [card_id, amount, event_time]; a dimension adds new columns only"),
        problems(new PipelineValidator(spark).check(spec)).subList(0, 2));

    PipelineSpec stddev =
        config
            .pipelines()
            .get(0)
            .withDimensions(
                List.of(new DimensionSpec("cards", "dim/cards", List.of("card_id"), "tier STRING")))
            .withSql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, stddev(amount) AS sd FROM events"
                    + " GROUP BY card_id, window(event_time, '5 minutes')");
    assertEquals(
        List.of(
            spec.file()
                + ": [enrichment-join] dimensions: an enrichment join runs only on the sliced path"
                + " (where the stream's micro-batches and the backfills join each event with the"
                + " dimension as of its time), and this SQL has no sliced form: the aggregate"
                + " stddev cannot be merged from slices"),
        problems(new PipelineValidator(spark).check(stddev)));
  }

  @Test
  void eachEventJoinsTheVersionInForceAtItsTimeAndAKeyWithSeveralRowsItsGreatest() {
    DimensionSpec cards =
        new DimensionSpec("cards", "dim/cards", List.of("card_id"), "tier STRING");
    StructType schema = StructType.fromDDL("card_id STRING, tier STRING");
    // Version 0 in force until 1,000 ms (c-2 twice), version 1 from then on.
    List<AsOfJoin.Version> versions =
        List.of(
            new AsOfJoin.Version(
                0, Long.MIN_VALUE, 1000, frame(schema, "c-1,silver", "c-2,bronze", "c-2,gold")),
            new AsOfJoin.Version(1, 1000, Long.MAX_VALUE, frame(schema, "c-1,gold")));
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                RowFactory.create("c-1", new Timestamp(500)),
                RowFactory.create("c-2", new Timestamp(600)),
                RowFactory.create("c-3", new Timestamp(700)),
                RowFactory.create("c-1", new Timestamp(1000)),
                RowFactory.create("c-2", new Timestamp(1500))),
            StructType.fromDDL("card_id STRING, event_time TIMESTAMP"));

    assertEquals(
        List.of(
            "c-1 | 1970-01-01 00:00:00.5 | silver",
            "c-1 | 1970-01-01 00:00:01.0 | gold",
            "c-2 | 1970-01-01 00:00:00.6 | gold",
            "c-2 | 1970-01-01 00:00:01.5 | null",
            "c-3 | 1970-01-01 00:00:00.7 | null"),
        TestSpark.rows(AsOfJoin.join(events, "event_time", cards, versions)));
    assertEquals(
        List.of("c-1 | 1970-01-01 00:00:00.5 | null"),
        TestSpark.rows(AsOfJoin.join(events.limit(1), "event_time", cards, List.of())));
  }

  private Dataset<Row> frame(StructType schema, String... rows) {
    return spark.createDataFrame(
        Arrays.stream(rows).map(r -> RowFactory.create((Object[]) r.split(","))).toList(), schema);
  }
}
