package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.PipelineFixture;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.pipeline.WindowDeclaration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidemark init}: files that load as written, never overwritten. No Spark here. */
class InitCommandTest {
  @TempDir Path dir;

  static final String SAMPLE =
      """
      {"order_id": "o-1", "customer": "c-7", "amount": 12.5, "items": 3, "paid": true,
       "ordered_at": "2026-11-25T10:00:00Z", "tags": ["a"], "address": {"city": "Berlin"},
       "note": null}
      """;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aSampleRecordGivesItsSchema() {
    assertEquals(
        "order_id STRING, customer STRING, amount DOUBLE, items BIGINT, paid BOOLEAN, ordered_at"
            + " TIMESTAMP, tags ARRAY<STRING>, address STRUCT<city: STRING>, note STRING",
        SampleSchema.infer(SAMPLE));
    assertEquals(
        "`user-id` STRING, ts TIMESTAMP, local TIMESTAMP, day STRING",
        SampleSchema.infer(
            "{\"user-id\":\"u\",\"ts\":\"2026-11-25T10:00:00.123+01:00\","
                + "\"local\":\"2026-11-25 10:00:00\",\"day\":\"2026-11-25\"}"));
  }

  @Test
  void initWritesAPipelineThatLoadsWithItsOwnTableAndTheSqlsWindow() throws IOException {
    Path conf = new PipelineFixture(dir).write();
    Path sample = Files.writeString(dir.resolve("order.json"), SAMPLE);

    Run r =
        run(
            "init",
            "orders",
            "--conf",
            conf.toString(),
            "--topic",
            "shop.orders",
            "--sample",
            sample.toString(),
            "--key",
            "customer",
            "--window",
            "10 minutes",
            "--slide",
            "1 minute",
            "--mode",
            "append");

    assertEquals(0, r.code(), r.err());
    Path pipelines = dir.resolve("pipelines");
    assertEquals(
        "wrote "
            + pipelines.resolve("orders.conf")
            + "\nwrote "
            + pipelines.resolve("orders.sql")
            + "\nnext: edit orders.sql, then: tidemark validate -p orders --conf "
            + conf
            + "\n",
        r.out());
    TidemarkConfig config = ConfigLoader.load(conf, Map.of(), Map.of());
    PipelineSpec orders = config.pipeline("orders").orElseThrow();
    assertEquals(List.of("shop.orders"), orders.source().topics());
    assertEquals("ordered_at", orders.source().eventTimeColumn());
    assertEquals(Duration.ofMinutes(5), orders.source().watermarkDelay());
    assertEquals(
        new WindowSpec(
            WindowSpec.Type.SLIDING, Duration.ofMinutes(10), Duration.ofMinutes(1), "window_start"),
        orders.window());
    assertEquals("orders", orders.sink().table());
    assertEquals("gold/orders", orders.sink().path());
    assertEquals(List.of("customer", "window_start"), orders.sink().keys());
    assertEquals(OutputMode.APPEND, orders.sink().outputMode());
    assertEquals(List.of(), WindowDeclaration.check(orders));
    assertTrue(
        orders
            .sql()
            .endsWith(
                "SELECT\n  customer,\n  window.start          AS window_start,\n"
                    + "  window.end            AS window_end,\n"
                    + "  to_date(window.start) AS window_date,\n"
                    + "  -- sum(amount) AS total_amount,\n"
                    + "  count(*)              AS events\nFROM events\n"
                    + "GROUP BY customer, window(ordered_at, '10 minutes', '1 minute')"),
        orders.sql());
  }

  @Test
  void aTumblingWindowFromASchemaWithOneTimestamp() throws IOException {
    Path conf = new PipelineFixture(dir).write();

    Run r =
        run(
            "init",
            "page-hits",
            "--conf",
            conf.toString(),
            "--schema",
            "page STRING, ts TIMESTAMP",
            "--window",
            "1 hour");

    assertEquals(0, r.code(), r.err());
    PipelineSpec hits =
        ConfigLoader.load(conf, Map.of(), Map.of()).pipeline("page-hits").orElseThrow();
    assertEquals(List.of("page-hits"), hits.source().topics());
    assertEquals(
        new WindowSpec(
            WindowSpec.Type.TUMBLING, Duration.ofHours(1), Duration.ofHours(1), "window_start"),
        hits.window());
    assertEquals("page_hits", hits.sink().table());
    assertEquals(List.of("window_start"), hits.sink().keys());
    assertEquals(OutputMode.UPDATE, hits.sink().outputMode());
    assertEquals(List.of(), WindowDeclaration.check(hits));
  }

  @Test
  void initNeverOverwritesAndExitsTwo() throws IOException {
    Path conf = new PipelineFixture(dir).write();
    Path existing = dir.resolve("pipelines/payments.conf");
    String before = Files.readString(existing);

    Run r =
        run("init", "payments", "--conf", conf.toString(), "--schema", "card STRING, ts TIMESTAMP");

    assertEquals(2, r.code(), r.out());
    assertEquals(
        "tidemark: "
            + existing.toAbsolutePath().normalize()
            + " already exists; init never overwrites (choose another NAME or remove the file)\n",
        r.err());
    assertEquals(before, Files.readString(existing));
    assertEquals(false, Files.exists(dir.resolve("pipelines/payments.sql.tmp")));
  }

  @Test
  void twoTimestampsNeedAnEventTimeColumn() {
    Path conf = new PipelineFixture(dir).write();

    Run r =
        run(
            "init",
            "visits",
            "--conf",
            conf.toString(),
            "--schema",
            "page STRING, arrived TIMESTAMP, left_at TIMESTAMP");

    assertEquals(2, r.code());
    assertEquals(
        "tidemark: name the event-time column with --event-time; TIMESTAMP columns of the"
            + " schema: [arrived, left_at]\n",
        r.err());
    assertEquals(false, Files.exists(dir.resolve("pipelines/visits.conf")));
  }
}
