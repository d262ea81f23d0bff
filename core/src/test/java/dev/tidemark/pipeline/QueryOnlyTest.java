package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.PipelineFixture;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pipeline's SQL must be one query: Spark's parser decides, and a command in any position (after
 * a WITH, behind a first SELECT) is refused, by the config loader and by the validator, without
 * running anything.
 */
class QueryOnlyTest {
  @TempDir Path dir;

  /** One Delta table with rows 1, 2, 3 that every refused statement names and must leave alone. */
  @TempDir static Path shared;

  static String table;

  @BeforeAll
  static void givenATableWithThreeRows() {
    table = shared.resolve("target-table").toString();
    TestSpark.sql("CREATE TABLE delta.`" + table + "` (a INT) USING delta");
    TestSpark.sql("INSERT INTO delta.`" + table + "` VALUES (1), (2), (3)");
  }

  /** Statements that are not one query, and what the refusal names. */
  static Stream<Arguments> notQueries() {
    return Stream.of(
        Arguments.of(
            "WITH x AS (SELECT 1 AS a) DELETE FROM delta.`{table}`", "found DeleteFromTable"),
        Arguments.of(
            "WITH x AS (SELECT 1 AS a) INSERT OVERWRITE DIRECTORY '{dir}' USING json SELECT * FROM x",
            "found InsertIntoDir"),
        Arguments.of(
            "WITH x AS (SELECT 1 AS a) INSERT INTO delta.`{table}` SELECT a FROM x",
            "found InsertIntoStatement"),
        Arguments.of(
            "WITH x AS (SELECT 1 AS a) UPDATE delta.`{table}` SET a = 2", "found UpdateTable"),
        Arguments.of("SET spark.sql.shuffle.partitions = 1", "found SetCommand"),
        Arguments.of(
            "CACHE TABLE cached_events AS SELECT * FROM events", "found CacheTableAsSelect"),
        Arguments.of(
            "CREATE TABLE ctas USING delta LOCATION '{dir}/ctas' AS SELECT * FROM events",
            "found CreateTableAsSelect"),
        Arguments.of("DROP TABLE delta.`{table}`", "found DropTable"),
        Arguments.of(
            "EXECUTE IMMEDIATE 'DROP TABLE delta.`{table}`'", "found UnresolvedExecuteImmediate"),
        Arguments.of(
            "SELECT card_id FROM events; DROP TABLE delta.`{table}`",
            "Spark cannot parse it as one statement: [PARSE_SYNTAX_ERROR]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notQueries")
  void loadingRefusesAStatementThatIsNotAQueryNamingTheFileAndWhatItFound(
      String sql, String found) {
    PipelineFixture fixture = new PipelineFixture(dir).sql("-- a comment first\n" + sql + ";\n");

    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write()));

    assertEquals(1, e.problems().size(), e.getMessage());
    ConfigProblem problem = e.problems().get(0);
    assertEquals(fixture.pipelineFile(), problem.file());
    assertEquals("query.sql-file", problem.key());
    assertTrue(
        problem
            .message()
            .startsWith(
                "payments.sql must hold one SELECT (or WITH ... SELECT) over the view events: "
                    + found),
        problem.message());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notQueries")
  void validateRefusesItWithTheSessionsParserAndRunsNothing(String template, String found)
      throws Exception {
    SparkSession spark = TestSpark.session();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "kept");
    String shufflePartitions = spark.conf().get("spark.sql.shuffle.partitions");
    PipelineSpec good = ConfigLoader.load(new PipelineFixture(dir).write()).pipelines().get(0);
    String sql = template.replace("{table}", table).replace("{dir}", out.toString());
    PipelineSpec bad = good.withSql(sql);

    List<ConfigProblem> problems = new PipelineValidator(spark).check(bad);

    assertEquals(1, problems.size(), problems.toString());
    assertEquals(good.file(), problems.get(0).file());
    assertEquals("[query-only] query.sql-file", problems.get(0).key());
    assertTrue(
        problems
            .get(0)
            .message()
            .startsWith(
                "payments.sql must hold one SELECT (or WITH ... SELECT) over the view events: "
                    + found),
        problems.get(0).message());
    // Nothing ran: the table keeps its rows, the directory its file, the session its settings.
    assertEquals(List.of("1", "2", "3"), TestSpark.rows(spark.read().format("delta").load(table)));
    assertEquals(List.of(out.resolve("keep.txt")), Files.list(out).toList());
    assertEquals(shufflePartitions, spark.conf().get("spark.sql.shuffle.partitions"));
    assertEquals(false, spark.catalog().tableExists("cached_events"));
    assertEquals(false, spark.catalog().tableExists("ctas"));
  }

  @Test
  void aQueryWithCtesAndADerivedTableIsAccepted() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .sql(
                """
                /* totals */ WITH paid AS (SELECT * FROM events WHERE amount > 0),
                     named AS (SELECT * FROM paid WHERE card_id IS NOT NULL)
                SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
                       sum(amount) AS total
                FROM (SELECT * FROM named) AS n
                GROUP BY card_id, window(event_time, '5 minutes');
                """);
    PipelineSpec spec = ConfigLoader.load(fixture.write()).pipelines().get(0);

    assertEquals(List.of(), new PipelineValidator(TestSpark.session()).check(spec));
  }
}
