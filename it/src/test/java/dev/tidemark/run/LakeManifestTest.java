package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.PipelineFixture;
import dev.tidemark.TestLake;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.storage.ReplaceWhole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's manifest on a local disk: one file per pipeline, paths relative to the lake, written
 * only when it changes, never losing another pipeline's entry, and the old single file still read.
 * The checks taking a configuration run on S3 too ({@link LakeManifestIT}).
 */
class LakeManifestTest {
  static final int WRITERS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void recordsEachPipelineInAFileOfItsOwnWithItsTablesModeAndWindow() throws Exception {
    TidemarkConfig config = ConfigLoader.load(new PipelineFixture(dir).write());

    assertTrue(LakeManifest.record(config, payments(config)));

    Path file = dir.resolve("lake/_tidemark/pipelines/payments.json");
    assertEquals(
        JSON.readTree(
            """
            {"version": 1, "pipeline": {"table": "payments_5m", "path": "gold/payments_5m",
             "quarantine": "quarantine/payments", "mode": "update",
             "keys": ["card_id", "window_start"], "partition_by": ["window_date"],
             "topics": ["payments"], "event_time": "event_time",
             "window": {"type": "tumbling", "size_ms": 300000, "slide_ms": 300000,
                        "start_column": "window_start"}}}
            """),
        JSON.readTree(Files.readString(file)));
    // Nothing else in the folder: no temporary file, no checksum file.
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of("payments.json"), files.map(p -> p.getFileName().toString()).toList());
    }
    assertFalse(Files.exists(dir.resolve("lake/_tidemark/pipelines.json")), "old file not written");
  }

  @Test
  void eightPipelinesRecordingAtTheSameInstantAreAllListed() throws Exception {
    assertConcurrentRecordsAllListed(ConfigLoader.load(new PipelineFixture(dir).write()));
  }

  @Test
  void aSecondRecordOfAnUnchangedPipelineWritesNothing() throws Exception {
    TidemarkConfig config = ConfigLoader.load(new PipelineFixture(dir).write());
    assertUnchangedRecordWritesNothing(config);

    // On a local disk every write renames a new file into place: the same inode means no write.
    Path file = dir.resolve("lake/_tidemark/pipelines/payments.json");
    Object inode = Files.readAttributes(file, "unix:ino").get("ino");
    assertFalse(LakeManifest.record(config, payments(config)));
    assertEquals(inode, Files.readAttributes(file, "unix:ino").get("ino"));
  }

  @Test
  void theOldSingleFileManifestIsReadForPipelinesWithoutAFileOfTheirOwn() throws Exception {
    assertOldSingleFileRead(ConfigLoader.load(new PipelineFixture(dir).write()));
  }

  static PipelineSpec payments(TidemarkConfig config) {
    return config.pipeline("payments").orElseThrow();
  }

  /**
   * {@value #WRITERS} pipelines ({@code payments-0..}) recorded by as many threads released at the
   * same instant: every one is listed afterwards, with its own table path.
   */
  static void assertConcurrentRecordsAllListed(TidemarkConfig config) throws Exception {
    PipelineSpec payments = payments(config);
    List<PipelineSpec> specs =
        IntStream.range(0, WRITERS)
            .mapToObj(
                i -> TestLake.variant(payments, "payments-" + i, payments.sink().outputMode()))
            .toList();
    LakeFileSystem.of(config).exists(LakeManifest.folder(config)); // connected before the race
    CyclicBarrier go = new CyclicBarrier(WRITERS);
    ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<Boolean>> written = new ArrayList<>();
      for (PipelineSpec spec : specs) {
        written.add(
            threads.submit(
                () -> {
                  go.await();
                  return LakeManifest.record(config, spec);
                }));
      }
      for (Future<Boolean> w : written) {
        assertTrue(w.get(2, TimeUnit.MINUTES), "each pipeline's first record writes its file");
      }
    } finally {
      threads.shutdownNow();
    }

    Map<String, JsonNode> listed = LakeManifest.pipelines(config);
    assertEquals(specs.stream().map(PipelineSpec::name).toList(), List.copyOf(listed.keySet()));
    for (PipelineSpec spec : specs) {
      assertEquals("gold/" + spec.name(), listed.get(spec.name()).path("path").asText());
    }
  }

  /**
   * A recorded pipeline recorded again, a second later, unchanged: nothing is written (the file's
   * modification time stays); after its file was changed behind its back, it is written again.
   */
  static void assertUnchangedRecordWritesNothing(TidemarkConfig config) throws Exception {
    FileSystem fs = LakeFileSystem.of(config);
    org.apache.hadoop.fs.Path file = LakeManifest.path(config, "payments");
    LakeManifest.record(config, payments(config));
    byte[] recorded = bytes(fs, file);
    long written = fs.getFileStatus(file).getModificationTime();
    Thread.sleep(1100); // S3 keeps modification times in whole seconds

    assertFalse(LakeManifest.record(config, payments(config)), "unchanged: not written");
    assertEquals(written, fs.getFileStatus(file).getModificationTime());

    ReplaceWhole.write(
        fs,
        file,
        "{\"version\":1,\"pipeline\":{\"path\":\"gold/old\"}}".getBytes(StandardCharsets.UTF_8));
    assertTrue(LakeManifest.record(config, payments(config)), "changed: written");
    assertEquals(
        new String(recorded, StandardCharsets.UTF_8),
        new String(bytes(fs, file), StandardCharsets.UTF_8));
  }

  /**
   * A lake written before the per-pipeline files: its single file's entries are listed, except
   * where a pipeline's own file holds a newer one; the old file itself is left alone.
   */
  static void assertOldSingleFileRead(TidemarkConfig config) throws Exception {
    FileSystem fs = LakeFileSystem.of(config);
    byte[] old =
        """
        {"version": 1, "pipelines": {"orders": {"table": "orders", "path": "gold/orders"},
                                     "payments": {"table": "payments", "path": "gold/old"}}}
        """
            .getBytes(StandardCharsets.UTF_8);
    ReplaceWhole.write(fs, LakeManifest.legacyPath(config), old);
    assertEquals(
        Map.of("orders", "gold/orders", "payments", "gold/old"), paths(config), "old file alone");

    LakeManifest.record(config, payments(config));

    assertEquals(Map.of("orders", "gold/orders", "payments", "gold/payments_5m"), paths(config));
    assertEquals(
        new String(old, StandardCharsets.UTF_8),
        new String(bytes(fs, LakeManifest.legacyPath(config)), StandardCharsets.UTF_8));
  }

  private static Map<String, String> paths(TidemarkConfig config) {
    Map<String, String> paths = new TreeMap<>();
    LakeManifest.pipelines(config).forEach((name, e) -> paths.put(name, e.path("path").asText()));
    return paths;
  }

  private static byte[] bytes(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }
}
