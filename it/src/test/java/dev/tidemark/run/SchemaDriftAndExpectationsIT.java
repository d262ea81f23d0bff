package dev.tidemark.run;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.PipelineFixture;
import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.cli.TidemarkCli;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratedEvent.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Schema drift and declared rules on card-velocity (schema {@code card_id STRING, merchant_id
 * STRING, country STRING, amount DECIMAL(12,2), event_time TIMESTAMP}, expectation {@code
 * non-negative-amount = "amount >= 0"}): a new field is accepted, a field that changed type and an
 * event breaking the rule are quarantined with a reason that names the field or the rule.
 */
class SchemaDriftAndExpectationsIT {
  static final Instant T = Instant.parse("2026-08-08T08:08:00Z");

  @TempDir Path dir;

  private static String txn(String card, String amountJson) {
    return "{\"card_id\":\""
        + card
        + "\",\"merchant_id\":\"m-001\",\"country\":\"DE\",\"amount\":"
        + amountJson
        + ",\"event_time\":\""
        + T
        + "\"}";
  }

  @Test
  void newFieldsAreAcceptedChangedTypesAndBrokenRulesAreQuarantinedWithTheirReason()
      throws Exception {
    TidemarkConfig config = TestLake.fresh("schema-drift");
    PipelineSpec spec = TestLake.ownTopic(config.pipeline("card-velocity").orElseThrow(), 1000);
    // card -> payload; the card ids say what is expected
    Map<String, String> records = new TreeMap<>();
    records.put("ok-plain", txn("ok-plain", "12.50"));
    records.put(
        "ok-new-field", txn("ok-new-field", "7.25").replace("}", ",\"channel\":\"mobile\"}"));
    records.put("ok-amount-as-numeric-text", txn("ok-amount-as-numeric-text", "\"3.10\""));
    records.put("bad-amount-text", txn("bad-amount-text", "\"12.5x\""));
    records.put("bad-amount-object", txn("bad-amount-object", "{\"value\":12.5,\"ccy\":\"EUR\"}"));
    records.put("bad-event-time", txn("bad-event-time", "1.00").replace(T.toString(), "noon"));
    records.put("bad-negative-amount", txn("bad-negative-amount", "-5.00"));
    records.put("bad-no-amount", txn("bad-no-amount", "null"));

    EventProducer.send(
        config.bootstrapServers(),
        spec.source().topics().get(0),
        records.entrySet().stream()
            .map(
                e ->
                    new GeneratedEvent(
                        e.getKey(),
                        e.getValue().getBytes(StandardCharsets.UTF_8),
                        T.toEpochMilli(),
                        null,
                        Kind.ON_TIME))
            .toList());
    new StreamRunner(TestSpark.session(), config)
        .start(spec, TriggerSpec.availableNowTrigger())
        .awaitTermination();

    List<String> accepted =
        table(config.tablePath(spec))
            .select("card_id")
            .distinct()
            .orderBy("card_id")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertEquals(List.of("ok-amount-as-numeric-text", "ok-new-field", "ok-plain"), accepted);
    assertEquals(
        0,
        new java.math.BigDecimal("22.85")
            .compareTo(
                table(config.tablePath(spec))
                    .where("window_start = timestamp'2026-08-08 08:08:00'")
                    .agg(functions.sum("total_amount"))
                    .first()
                    .getDecimal(0)),
        "the amounts of the accepted events");

    Map<String, String> reasons = new TreeMap<>();
    for (Row r : table(config.quarantinePath(spec)).select("key", "reason").collectAsList()) {
      reasons.put(new String((byte[]) r.get(0), StandardCharsets.UTF_8), r.getString(1));
    }
    assertEquals(
        Map.of(
            "bad-amount-text",
            "field 'amount' does not match the schema: expected DECIMAL(12,2), got '12.5x'",
            "bad-amount-object",
            "field 'amount' does not match the schema: expected DECIMAL(12,2), got"
                + " '{\"value\":12.5,\"ccy\":\"EUR\"}'",
            "bad-event-time",
            "field 'event_time' does not match the schema: expected TIMESTAMP, got 'noon'",
            "bad-negative-amount",
            "expectation non-negative-amount failed: amount >= 0",
            "bad-no-amount",
            "expectation non-negative-amount failed: amount >= 0"),
        reasons);
    assertEquals(records.size(), accepted.size() + reasons.size(), "read = accepted + quarantined");
  }

  @Test
  void anExpectationNamingAnUnknownColumnFailsValidationNamingTheFileAndKey() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "sink {",
                "expectations {\n  positive = \"amount > 0\"\n  known-card = \"card > ''\"\n}\nsink {");

    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    TestSpark.session(); // the command reuses the test JVM's session
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("validate", "--conf", fixture.write().toString());

    assertEquals(2, code, err.toString());
    assertTrue(
        err.toString()
            .contains(fixture.pipelineFile() + ": [expectations] expectations.known-card: \"card"),
        err.toString());
    assertTrue(err.toString().contains("UNRESOLVED_COLUMN"), err.toString());
    assertTrue(!err.toString().contains("expectations.positive"), err.toString());
  }
}
