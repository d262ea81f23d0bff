package dev.tidemark.run;

import static dev.tidemark.TestSpark.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestLake;
import dev.tidemark.TestSpark;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import dev.tidemark.local.GeneratedEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Given records broken in many ways on the page-views topic, every record is either counted in a
 * window or kept in quarantine with a reason, and read = accepted + quarantined exactly.
 */
class BadRecordsIT {
  static final Instant T = Instant.parse("2026-07-07T07:07:00Z");

  private static String view(String user, Instant time) {
    return "{\"user_id\":\""
        + user
        + "\",\"page\":\"/products/7\",\"referrer\":\"direct\",\"event_time\":\""
        + time
        + "\"}";
  }

  @Test
  void everyRecordIsAcceptedOrQuarantinedWithAReason() throws Exception {
    TidemarkConfig config = TestLake.fresh("bad-records");
    PipelineSpec spec =
        TestLake.variant(
            TestLake.ownTopic(config.pipeline("page-analytics").orElseThrow(), 1000),
            "bad-records",
            OutputMode.UPDATE);
    byte[] garbage = new byte[64];
    new Random(1).nextBytes(garbage);
    String big =
        view("user-big", T.plusSeconds(9))
            .replace("}", ",\"padding\":\"" + "x".repeat(1_000_000) + "\"}");

    // kind -> (key, value, expected to be accepted)
    Map<String, GeneratedEvent> records = new LinkedHashMap<>();
    records.put("good", event("user-1", view("user-1", T), T));
    records.put("empty value", event("user-2", "", T));
    records.put(
        "binary garbage",
        new GeneratedEvent("user-3", garbage, T.toEpochMilli(), null, Kind.MALFORMED));
    records.put("truncated JSON", event("user-4", view("user-4", T).substring(0, 30), T));
    records.put(
        "wrong types",
        event(
            "user-5",
            view("user-5", T)
                .replace("\"user_id\":\"user-5\"", "\"user_id\":{\"a\":1}")
                .replace(T.toString(), "noon"),
            T));
    records.put(
        "missing event time",
        event("user-6", "{\"user_id\":\"user-6\",\"page\":\"/products/7\"}", T));
    records.put("null key", event(null, view("user-7", T.plusSeconds(1)), T));
    records.put("1 MB payload", event("user-big", big, T));
    records.put(
        "far-future timestamp",
        event("user-8", view("user-8", T.plusSeconds(86400L * 365 * 20)), T));
    records.put("duplicate 1", event("user-9", view("user-9", T.plusSeconds(2)), T));
    records.put("duplicate 2", event("user-9", view("user-9", T.plusSeconds(2)), T));
    records.put(
        "unknown fields",
        event(
            "user-10",
            view("user-10", T.plusSeconds(3)).replace("}", ",\"color\":\"red\",\"n\":[1,2]}"),
            T));
    records.put("JSON array", event("user-11", "[1,2,3]", T));
    records.put(
        "null value", new GeneratedEvent("user-12", null, T.toEpochMilli(), null, Kind.MALFORMED));
    List<String> expectedAccepted =
        List.of("good", "null key", "1 MB payload", "duplicate 1", "duplicate 2", "unknown fields");

    EventProducer.send(
        config.bootstrapServers(),
        spec.source().topics().get(0),
        new ArrayList<>(records.values()));
    new StreamRunner(TestSpark.session(), config)
        .start(spec, TriggerSpec.availableNowTrigger())
        .awaitTermination();

    long accepted = table(config.tablePath(spec)).agg(functions.sum("views")).first().getLong(0);
    List<Row> quarantined =
        table(config.quarantinePath(spec)).select("key", "reason").collectAsList();
    assertEquals(expectedAccepted.size(), accepted, "accepted records");
    assertEquals(
        records.size() - expectedAccepted.size(),
        quarantined.size(),
        "quarantined: " + quarantined);
    assertEquals(records.size(), accepted + quarantined.size(), "read = accepted + quarantined");
    assertTrue(
        quarantined.stream().noneMatch(r -> r.isNullAt(1) || r.getString(1).isBlank()),
        "every one has a reason");
    String reasons = quarantined.toString();
    for (String reason :
        List.of(
            "empty payload",
            "malformed JSON",
            "missing event time",
            "event time more than 15 minutes after it reached Kafka (source.max-event-time-ahead)")) {
      assertTrue(reasons.contains(reason), reason + " in " + reasons);
    }
  }

  private static GeneratedEvent event(String key, String value, Instant arrival) {
    return new GeneratedEvent(
        key, value.getBytes(StandardCharsets.UTF_8), arrival.toEpochMilli(), null, Kind.ON_TIME);
  }
}
