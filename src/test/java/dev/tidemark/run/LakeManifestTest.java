package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.PipelineFixture;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake's manifest: one entry per pipeline, paths relative to the lake, entries kept. */
class LakeManifestTest {
  @TempDir Path dir;

  @Test
  void recordsEachPipelineWithItsTablesModeAndWindowAndKeepsTheOthers() throws Exception {
    TidemarkConfig config = ConfigLoader.load(new PipelineFixture(dir).write());
    PipelineSpec payments = config.pipeline("payments").orElseThrow();
    // Another pipeline recorded earlier (by another process) stays.
    Path file = dir.resolve("lake/_tidemark/pipelines.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "{\"version\":1,\"pipelines\":{\"orders\":{\"path\":\"gold/orders\"}}}");

    LakeManifest.record(config, payments);
    LakeManifest.record(config, payments); // replaced, not repeated

    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    assertEquals("gold/orders", root.at("/pipelines/orders/path").asText());
    assertEquals(
        new ObjectMapper()
            .readTree(
                """
                {"table": "payments_5m", "path": "gold/payments_5m",
                 "quarantine": "quarantine/payments", "mode": "update",
                 "keys": ["card_id", "window_start"], "partition_by": ["window_date"],
                 "topics": ["payments"], "event_time": "event_time",
                 "window": {"type": "tumbling", "size_ms": 300000, "slide_ms": 300000,
                            "start_column": "window_start"}}
                """),
        root.at("/pipelines/payments"));
    assertEquals(2, root.get("pipelines").size());
    // No temporary file is left beside it (Hadoop's local checksum files aside).
    try (var files = Files.list(file.getParent())) {
      assertEquals(
          java.util.List.of("pipelines.json"),
          files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
    }
  }
}
