package dev.tidemark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta Kernel reads what Spark wrote: a table's version, files, size and rows are the figures of
 * {@code DESCRIBE DETAIL} and {@code count()}, with deletion vectors, column mapping and files
 * without statistics, and rows come back with their values, types converted.
 */
class LakeTablesTest {
  final SparkSession spark = TestSpark.session();
  final LakeTables tables = new LakeTables(spark.sparkContext().hadoopConfiguration());

  @TempDir Path dir;

  /** Appends rows {@code id} in [from, to) with {@code v = 'v' + id}, in {@code files} files. */
  void append(String path, long from, long to, int files) {
    spark
        .range(from, to)
        .selectExpr("id", "concat('v', id) AS v")
        .repartition(files)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(path);
  }

  /** What Spark says of the table: version, numFiles, sizeInBytes, count(). */
  LakeTables.Facts spark(String path) {
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    long version = spark.sql("DESCRIBE HISTORY delta.`" + path + "` LIMIT 1").first().getLong(0);
    return new LakeTables.Facts(
        version,
        detail.getLong(detail.fieldIndex("numFiles")),
        detail.getLong(detail.fieldIndex("sizeInBytes")),
        spark.read().format("delta").load(path).count());
  }

  /** The sizes of the table's Parquet files on disk. */
  static long parquetBytes(Path table) throws IOException {
    try (Stream<Path> files = Files.list(table)) {
      return files
          .filter(f -> f.toString().endsWith(".parquet"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  @Test
  void aTableOfTwoAppendsHasTheFiguresSparkGives() throws Exception {
    String path = dir.resolve("plain").toString();
    append(path, 0, 10, 2);
    append(path, 10, 15, 1);

    LakeTables.Facts facts = tables.facts(path).orElseThrow();

    assertEquals(1, facts.version());
    assertEquals(3, facts.files());
    assertEquals(15, facts.rows());
    assertEquals(parquetBytes(dir.resolve("plain")), facts.sizeBytes());
    assertEquals(spark(path), facts);
  }

  @Test
  void rowsDeletedThroughADeletionVectorAreNotCounted() throws IOException {
    String path = dir.resolve("dv").toString();
    spark.sql(
        "CREATE TABLE delta.`"
            + path
            + "` (id BIGINT, v STRING) USING delta"
            + " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    append(path, 0, 10, 1);
    spark.sql("DELETE FROM delta.`" + path + "` WHERE id < 3");

    LakeTables.Facts facts = tables.facts(path).orElseThrow();
    List<Long> ids = new ArrayList<>();
    assertTrue(
        Files.readString(dir.resolve("dv/_delta_log/00000000000000000002.json"))
            .contains("\"deletionVector\":{"),
        "the delete wrote a deletion vector");
    assertTrue(tables.forEachRow(path, List.of("id"), v -> ids.add((Long) v[0])));

    assertEquals(new LakeTables.Facts(2, 1, facts.sizeBytes(), 7), facts, "the file was kept");
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), ids.stream().sorted().toList());
    assertEquals(spark(path), facts);
  }

  @Test
  void aRenamedColumnUnderColumnMappingReadsUnderItsNewName() {
    String path = dir.resolve("mapped").toString();
    spark.sql(
        "CREATE TABLE delta.`"
            + path
            + "` (id BIGINT, v STRING) USING delta TBLPROPERTIES ('delta.columnMapping.mode' ="
            + " 'name', 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')");
    append(path, 0, 3, 1);
    spark.sql("ALTER TABLE delta.`" + path + "` RENAME COLUMN v TO label");

    List<String> rows = new ArrayList<>();
    tables.forEachRow(path, List.of("label", "id"), v -> rows.add(v[0] + " " + v[1]));

    assertEquals(List.of("v0 0", "v1 1", "v2 2"), rows.stream().sorted().toList());
    assertEquals(spark(path), tables.facts(path).orElseThrow());
  }

  @Test
  void filesWithoutStatisticsAreCountedByReadingThem() {
    String path = dir.resolve("nostats").toString();
    String key = "spark.databricks.delta.stats.collect";
    spark.conf().set(key, "false");
    try {
      append(path, 0, 4, 2);
    } finally {
      spark.conf().unset(key);
    }
    append(path, 4, 6, 1);

    assertEquals(new LakeTables.Facts(1, 3, spark(path).sizeBytes(), 6), spark(path));
    assertEquals(spark(path), tables.facts(path).orElseThrow());
  }

  @Test
  void valuesComeBackAsJavaTypesWithNullsAndAbsentColumnsAsNull() {
    String path = dir.resolve("typed").toString();
    spark
        .sql(
            "SELECT 'a' AS s, 7L AS l, 2 AS i, 1.5D AS d, true AS b,"
                + " TIMESTAMP'2026-04-04 04:04:04.123456Z' AS t, DATE'2026-04-04' AS day"
                + " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL")
        .write()
        .format("delta")
        .partitionBy("day")
        .save(path);

    List<String> rows = new ArrayList<>();
    tables.forEachRow(
        path,
        List.of("s", "l", "i", "d", "b", "t", "day", "not_in_table"),
        v -> rows.add(Arrays.toString(v)));

    assertEquals(
        List.of(
            Arrays.toString(
                new Object[] {
                  "a",
                  7L,
                  2,
                  1.5,
                  true,
                  Instant.parse("2026-04-04T04:04:04.123456Z"),
                  LocalDate.parse("2026-04-04"),
                  null
                }),
            Arrays.toString(new Object[8])),
        rows.stream().sorted().toList());
  }

  @Test
  void noTableHasNoFiguresAndNoRows() {
    String path = dir.resolve("absent").toString();
    assertEquals(Optional.empty(), tables.facts(path));
    assertFalse(tables.forEachRow(path, List.of("id"), v -> rows()));
  }

  private static void rows() {
    throw new AssertionError("a missing table has no rows");
  }
}
