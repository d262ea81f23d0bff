package dev.tidemark.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.WindowSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lake's own list of its pipelines, {@code LAKE/_tidemark/pipelines.json}, so that readers (the
 * Python package {@code tidemark_lake}, notebooks) find every pipeline's tables from the lake
 * alone, without the configuration or a JVM. One entry per pipeline, written (added or replaced) by
 * every stream start, backfill and reset of it:
 *
 * <pre>{@code
 * {"version": 1, "pipelines": {"card-velocity": {"table": "card_velocity",
 *   "path": "gold/card_velocity", "quarantine": "quarantine/card-velocity", "mode": "update",
 *   "keys": [...], "partition_by": [...], "topics": [...], "event_time": "event_time",
 *   "window": {"type": "sliding", "size_ms": 600000, "slide_ms": 60000,
 *              "start_column": "window_start"}}}}
 * }</pre>
 *
 * Paths are relative to the lake root, so a copy of the lake (another bucket) stays readable. The
 * file is replaced as a whole (written beside it, then renamed); two processes recording at the
 * same instant can lose one entry, which that pipeline's next write puts back.
 */
public final class LakeManifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LakeManifest() {}

  /** Where the manifest lives in the lake. */
  public static Path path(TidemarkConfig config) {
    return LakeFileSystem.bookkeeping(config, "pipelines.json");
  }

  /** Adds or replaces the pipeline's entry. */
  public static void record(TidemarkConfig config, PipelineSpec spec) {
    FileSystem fs = LakeFileSystem.of(config);
    Path file = path(config);
    try {
      ObjectNode root = read(fs, file);
      ObjectNode pipelines =
          root.has("pipelines") && root.get("pipelines").isObject()
              ? (ObjectNode) root.get("pipelines")
              : root.putObject("pipelines");
      root.put("version", 1);
      pipelines.set(spec.name(), entry(config, spec));
      Path temp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID());
      try (FSDataOutputStream out = fs.create(temp, false)) {
        out.write(JSON.writeValueAsBytes(root));
      }
      fs.delete(file, false);
      if (!fs.rename(temp, file)) {
        fs.delete(temp, false);
        throw new IOException("rename " + temp + " to " + file + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the lake manifest " + file, e);
    }
  }

  private static ObjectNode read(FileSystem fs, Path file) throws IOException {
    if (!fs.exists(file)) {
      return JSON.createObjectNode();
    }
    try (FSDataInputStream in = fs.open(file)) {
      var node = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return node != null && node.isObject() ? (ObjectNode) node : JSON.createObjectNode();
    }
  }

  private static ObjectNode entry(TidemarkConfig config, PipelineSpec spec) {
    ObjectNode e = JSON.createObjectNode();
    e.put("table", spec.sink().table());
    e.put("path", spec.sink().path());
    e.put("quarantine", relative(config, config.quarantinePath(spec)));
    e.put("mode", spec.sink().outputMode().name().toLowerCase());
    spec.sink().keys().forEach(e.putArray("keys")::add);
    spec.sink().partitionBy().forEach(e.putArray("partition_by")::add);
    spec.source().topics().forEach(e.putArray("topics")::add);
    e.put("event_time", spec.source().eventTimeColumn());
    WindowSpec w = spec.window();
    if (w != null) {
      ObjectNode window = e.putObject("window");
      window.put("type", w.type().name().toLowerCase());
      window.put("size_ms", w.size().toMillis());
      window.put("slide_ms", w.slide() == null ? w.size().toMillis() : w.slide().toMillis());
      window.put("start_column", w.startColumn());
    }
    return e;
  }

  private static String relative(TidemarkConfig config, String path) {
    return path.startsWith(config.lake() + "/") ? path.substring(config.lake().length() + 1) : path;
  }
}
