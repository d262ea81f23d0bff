package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link PipelineValidator}, one broken card-velocity at a time: the problem names
 * the check and the key (or SQL file), and says what is wrong. (query-only: {@link QueryOnlyTest};
 * dimensions and enrichment-join: {@link EnrichmentJoinTest}.)
 */
class PipelineValidatorTest {
  static final TidemarkConfig CONFIG = TestSpark.localConfig();
  static final PipelineSpec CARDS = CONFIG.pipeline("card-velocity").orElseThrow();
  final PipelineValidator validator = new PipelineValidator(TestSpark.session(), CONFIG);

  /** card-velocity with {@code from} replaced by {@code to} in its SQL. */
  private static PipelineSpec cardsWithSql(String from, String to) {
    assertTrue(CARDS.sql().contains(from), "the SQL has " + from);
    return CARDS.withSql(CARDS.sql().replace(from, to));
  }

  /** The problems of {@code spec}: key, then message. */
  private List<String> problems(PipelineSpec spec) {
    return validator.check(spec).stream().map(p -> p.key() + " -> " + p.message()).toList();
  }

  @Test
  void theShippedPipelinesHaveNoProblem() {
    for (PipelineSpec spec : CONFIG.pipelines()) {
      assertEquals(List.of(), validator.check(spec), spec.name());
    }
  }

  @Test
  void aColumnTheEventsDoNotHaveFailsSqlAnalyzes() {
    List<ConfigProblem> found = validator.check(cardsWithSql("sum(amount)  ", "sum(amont)   "));
    assertEquals(1, found.size(), found.toString());
    assertEquals("[sql-analyzes] card-velocity.sql", found.get(0).key());
    assertEquals(CARDS.file(), found.get(0).file());
    assertTrue(found.get(0).message().contains("`amont`"), found.get(0).message());
  }

  @Test
  void aResultWithoutTheDeclaredWindowStartFailsWindowStartColumn() {
    // window_start is a sink key too: both checks report it.
    assertEquals(
        List.of(
            "[window-start-column] card-velocity.sql -> the result has no column 'window_start'"
                + " (query.window.start-column); select window.start AS window_start; result"
                + " columns: [card_id, ws, window_end, window_date, txn_count, total_amount,"
                + " distinct_merchants, distinct_countries, flagged]",
            "[keys-in-result] card-velocity.sql -> sink.keys names 'window_start', which the SQL"
                + " does not select"),
        problems(cardsWithSql("AS window_start", "AS ws")));
  }

  @Test
  void aWindowStartThatIsNotATimestampFailsWindowStartColumn() {
    assertEquals(
        List.of("[window-start-column] card-velocity.sql -> 'window_start' must be a TIMESTAMP"),
        problems(
            cardsWithSql(
                "window.start                                   AS window_start",
                "CAST(window.start AS STRING) AS window_start")));
  }

  @Test
  void aSinkKeyTheSqlDoesNotSelectFailsKeysInResult() {
    assertEquals(
        List.of(
            "[keys-in-result] card-velocity.sql -> sink.keys names 'card_id', which the SQL does"
                + " not select"),
        problems(cardsWithSql("SELECT\n  card_id,", "SELECT")));
  }

  @Test
  void aPartitionColumnTheSqlDoesNotSelectFailsPartitionColumnsInResult() {
    assertEquals(
        List.of(
            "[partition-columns-in-result] card-velocity.sql -> sink.partition-by names"
                + " 'window_date', which the SQL does not select"),
        problems(cardsWithSql("AS window_date", "AS day")));
  }

  @Test
  void anExpectationThatIsNotABooleanConditionNamesItsKey() {
    List<ConfigProblem> found =
        validator.check(CARDS.withExpectations(Map.of("positive", "amont > 0")));
    assertEquals(1, found.size(), found.toString());
    assertEquals("[expectations] expectations.positive", found.get(0).key());
    assertTrue(
        found
            .get(0)
            .message()
            .startsWith(
                "\"amont > 0\" is not a boolean SQL condition over the event columns [card_id,"
                    + " merchant_id, country, amount, event_time]: "),
        found.get(0).message());
  }

  @Test
  void anAggregateSparkCannotStreamFailsStreamingSupported() {
    List<ConfigProblem> found =
        validator.check(
            cardsWithSql("size(collect_set(merchant_id))", "count(DISTINCT merchant_id)"));
    assertEquals(1, found.size(), found.toString());
    assertEquals("[streaming-supported] card-velocity.sql", found.get(0).key());
    assertTrue(
        found.get(0).message().startsWith("Spark cannot run this SQL as a stream in update mode: "),
        found.get(0).message());
  }

  @Test
  void validateAllListsTheProblemsOfEveryPipelineInOneException() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                validator.validateAll(
                    List.of(
                        cardsWithSql("AS window_date", "AS day"),
                        CARDS,
                        CARDS.withExpectations(Map.of("positive", "amont > 0")))));
    assertEquals(
        List.of(
            "[partition-columns-in-result] card-velocity.sql",
            "[expectations] expectations.positive"),
        e.problems().stream().map(ConfigProblem::key).toList());
  }
}
