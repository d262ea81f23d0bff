package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.config.DimensionSpec;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A dimension's seed: CSV text to typed rows, in the table's column order, or the line at fault.
 */
class DimensionSeedTest {
  private static final DimensionSpec CARDS =
      new DimensionSpec(
          "cards",
          "dim/cards",
          List.of("card_id"),
          "tier STRING, score_limit DECIMAL(6,2), since DATE, checked TIMESTAMP, vip BOOLEAN");
  private static final StructType SCHEMA =
      DimensionSeed.schema(CARDS, StructType.fromDDL("card_id BIGINT, amount DOUBLE"));

  @Test
  void theKeyTakesTheEventTypeAndTheOtherColumnsTheSchema() {
    assertEquals(
        "card_id BIGINT,tier STRING,score_limit DECIMAL(6,2),since DATE,checked TIMESTAMP,vip"
            + " BOOLEAN",
        SCHEMA.toDDL().replace(", ", ","));
  }

  @Test
  void rowsAreTypedInTheTableOrderWhateverTheHeaderOrder() {
    List<Row> rows =
        DimensionSeed.parse(
            "cards.csv",
            List.of(
                "tier,card_id,vip,since,checked,score_limit",
                "gold,7,true,2026-01-31,2026-02-01T10:00:00Z,1500.5",
                "",
                "\"silver, old\",8,FALSE,,,",
                "\"say \"\"hi\"\"\",9,false,2025-12-01,2026-02-01T10:00:00.250Z,0"),
            SCHEMA);
    assertEquals(
        List.of(
            RowFactory.create(
                7L,
                "gold",
                new BigDecimal("1500.50"),
                Date.valueOf("2026-01-31"),
                Timestamp.from(Instant.parse("2026-02-01T10:00:00Z")),
                true),
            RowFactory.create(8L, "silver, old", null, null, null, false),
            RowFactory.create(
                9L,
                "say \"hi\"",
                new BigDecimal("0.00"),
                Date.valueOf("2025-12-01"),
                Timestamp.from(Instant.parse("2026-02-01T10:00:00.250Z")),
                false)),
        rows);
  }

  @Test
  void aBadFileFailsNamingItAndTheLine() {
    String header = "card_id,tier,score_limit,since,checked,vip";
    assertEquals(
        "seed cards.csv, line 1: the header [card_id, tier] must name the dimension's key and"
            + " schema columns, each once: [card_id, checked, score_limit, since, tier, vip]",
        problem(List.of("card_id,tier", "7,gold")));
    assertEquals(
        "seed cards.csv, line 3: column card_id: 'x8' is not a BIGINT:"
            + " java.lang.NumberFormatException: For input string: \"x8\"",
        problem(List.of(header, "7,gold,1,,,true", "x8,silver,1,,,true")));
    assertEquals(
        "seed cards.csv, line 2: has 5 fields, the header 6: 7,gold,1,,",
        problem(List.of(header, "7,gold,1,,")));
    assertEquals(
        "seed cards.csv, line 2: column vip: 'yes' is not a BOOLEAN:"
            + " java.lang.IllegalArgumentException: expected true or false",
        problem(List.of(header, "7,gold,1,,,yes")));
    assertEquals(
        "seed cards.csv, line 2: a quoted field is not closed: 7,\"gold,1,,,true",
        problem(List.of(header, "7,\"gold,1,,,true")));
    assertEquals(
        "seed cards.csv, line 1: the first line must name the columns [card_id, tier,"
            + " score_limit, since, checked, vip]",
        problem(List.of()));
  }

  private static String problem(List<String> lines) {
    return assertThrows(
            IllegalArgumentException.class, () -> DimensionSeed.parse("cards.csv", lines, SCHEMA))
        .getMessage();
  }
}
