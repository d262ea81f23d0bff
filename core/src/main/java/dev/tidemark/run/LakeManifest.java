package dev.tidemark.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.storage.ReplaceWhole;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's own list of its pipelines, so that readers (the Python package {@code tidemark_lake},
 * notebooks) find every pipeline's tables from the lake alone, without the configuration or a JVM.
 * One file per pipeline, {@code LAKE/_tidemark/pipelines/<name>.json}, written by every stream
 * start, backfill and reset of that pipeline and of no other:
 *
 * <pre>{@code
 * {"version": 1, "pipeline": {"table": "card_velocity", "path": "gold/card_velocity",
 *   "quarantine": "quarantine/card-velocity", "mode": "update",
 *   "keys": [...], "partition_by": [...], "topics": [...], "event_time": "event_time",
 *   "window": {"type": "sliding", "size_ms": 600000, "slide_ms": 60000,
 *              "start_column": "window_start"}}}
 * }</pre>
 *
 * Paths are relative to the lake root, so a copy of the lake (another bucket) stays readable. A
 * file is written only when its content changes (a restart writes nothing), and whole ({@link
 * ReplaceWhole}: one PUT on s3a, written aside and renamed elsewhere), so a reader never sees half
 * of one. Processes of different pipelines write different files and cannot lose each other's
 * entry; processes of one pipeline write the same entry.
 *
 * <p>Lakes written before this layout hold one file for all pipelines, {@code
 * LAKE/_tidemark/pipelines.json} ({@code {"version": 1, "pipelines": {NAME: ENTRY, ...}}}); it is
 * no longer written, and readers take its entries for the pipelines that have no file of their own.
 */
public final class LakeManifest {
  private static final Logger LOG = LoggerFactory.getLogger(LakeManifest.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String SUFFIX = ".json";

  private LakeManifest() {}

  /** The folder of the per-pipeline files. */
  public static Path folder(TidemarkConfig config) {
    return LakeLayout.of(config).manifestFolder();
  }

  /** The pipeline's own file. */
  public static Path path(TidemarkConfig config, String pipeline) {
    return new Path(folder(config), pipeline + SUFFIX);
  }

  /** The single file of lakes written before the per-pipeline files; read, never written. */
  public static Path legacyPath(TidemarkConfig config) {
    return LakeLayout.of(config).legacyManifest();
  }

  /**
   * Writes the pipeline's entry unless its file already holds exactly these bytes.
   *
   * @return whether the file was written
   */
  public static boolean record(TidemarkConfig config, PipelineSpec spec) {
    FileSystem fs = LakeFileSystem.of(config);
    Path file = path(config, spec.name());
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.set("pipeline", entry(config, spec));
    try {
      byte[] content = JSON.writeValueAsBytes(root);
      if (read(fs, file).filter(existing -> Arrays.equals(existing, content)).isPresent()) {
        return false;
      }
      ReplaceWhole.write(fs, file, content);
      LOG.debug("Recorded pipeline {} in the lake manifest {}", spec.name(), file);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the lake manifest " + file, e);
    }
  }

  /**
   * Every pipeline the lake lists, by name: the entries of the per-pipeline files, and those of the
   * old single file for pipelines without a file of their own.
   */
  public static SortedMap<String, JsonNode> pipelines(TidemarkConfig config) {
    FileSystem fs = LakeFileSystem.of(config);
    SortedMap<String, JsonNode> found = new TreeMap<>();
    try {
      readJson(fs, legacyPath(config))
          .map(root -> root.path("pipelines"))
          .filter(JsonNode::isObject)
          .ifPresent(all -> all.properties().forEach(e -> found.put(e.getKey(), e.getValue())));
      for (FileStatus status : list(fs, folder(config))) {
        String name = status.getPath().getName();
        if (status.isFile() && name.endsWith(SUFFIX) && !name.startsWith(".")) {
          readJson(fs, status.getPath())
              .map(root -> root.get("pipeline"))
              .filter(JsonNode::isObject)
              .ifPresent(e -> found.put(name.substring(0, name.length() - SUFFIX.length()), e));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lake manifest " + folder(config), e);
    }
    return found;
  }

  private static FileStatus[] list(FileSystem fs, Path folder) throws IOException {
    try {
      return fs.listStatus(folder);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }

  /** The file's bytes; empty if there is no file. */
  private static Optional<byte[]> read(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The file's JSON object; empty if there is no file or no JSON object in it. */
  private static Optional<ObjectNode> readJson(FileSystem fs, Path file) throws IOException {
    Optional<byte[]> bytes = read(fs, file);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return JSON.readTree(bytes.get()) instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    } catch (IOException e) {
      LOG.warn("Ignoring {}: not JSON ({})", file, e.getMessage());
      return Optional.empty();
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
    if (spec.source().fromPipeline()) {
      e.put("reads_pipeline", spec.source().pipeline()); // D39
    }
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
