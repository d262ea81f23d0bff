package dev.tidemark.config;

import static dev.tidemark.config.ConfigKeys.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads the main configuration file and every pipeline file into an immutable {@link
 * TidemarkConfig}, or fails with an {@link InvalidConfigException} listing every problem.
 *
 * <p>Precedence, highest first: {@code overrides} (from the CLI), JVM system properties {@code
 * -Dtidemark.*}, environment variables substituted by the files ({@code ${?TIDEMARK_LAKE}}), the
 * given file, {@code application.conf} (which the given file includes).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static TidemarkConfig load(Path confFile) {
    return load(confFile, Map.of());
  }

  public static TidemarkConfig load(Path confFile, Map<String, String> overrides) {
    Path file = confFile.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(
          new ConfigProblem(file, "", "configuration file not found (pass --conf FILE)"));
    }
    Config config;
    // Read afresh each time (ConfigFactory.systemProperties() is cached for the JVM's life).
    ConfigParseOptions systemProperties =
        ConfigParseOptions.defaults().setOriginDescription("system properties");
    try {
      Config fromFile =
          ConfigFactory.parseFile(
              file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      config =
          ConfigFactory.parseMap(overrides, "command-line overrides")
              .withFallback(
                  ConfigFactory.parseProperties(System.getProperties(), systemProperties)
                      .withOnlyPath(ROOT))
              .withFallback(fromFile)
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          new ConfigProblem(file, "", "cannot parse: " + e.getMessage()));
    }

    ConfigReader r = new ConfigReader(config, file);
    String lake = normalizeLocation(r.string(LAKE));
    String checkpoints = normalizeLocation(r.string(CHECKPOINTS));
    String bootstrap = r.string(KAFKA_BOOTSTRAP_SERVERS);
    List<ConfigProblem> secretProblems = new ArrayList<>();
    Map<String, String> kafkaOptions =
        Secrets.readFiles(r.settings(KAFKA_OPTIONS), file, KAFKA_OPTIONS, secretProblems);
    boolean commitOffsets = "true".equals(r.string(KAFKA_COMMIT_OFFSETS, "false"));
    Duration startupWait = r.duration(KAFKA_STARTUP_WAIT);
    Duration slack = r.duration(BACKFILL_KAFKA_TIMESTAMP_SLACK);
    Duration readerLag = r.duration(MAINTENANCE_SLOWEST_READER_LAG);
    BronzeSpec bronze =
        new BronzeSpec(
            r.bool(BRONZE_ENABLED, true),
            r.trigger(BRONZE_TRIGGER, TriggerSpec.every(Duration.ofMinutes(1))),
            Secrets.readFiles(r.settings(BRONZE_OPTIONS), file, BRONZE_OPTIONS, secretProblems));
    Map<String, String> spark = r.settings(SPARK);
    String pipelinesDir = r.string(PIPELINES_DIR, "pipelines");

    List<ConfigProblem> problems = new ArrayList<>(r.problems());
    problems.addAll(secretProblems);
    List<PipelineSpec> pipelines = new ArrayList<>();
    if (pipelinesDir != null) {
      Path dir = file.resolveSibling(pipelinesDir).normalize();
      for (Path pipelineFile : pipelineFiles(dir, file, problems)) {
        PipelineSpec spec = PipelineFileReader.read(pipelineFile, problems);
        if (spec != null) {
          pipelines.add(spec);
        }
      }
    }
    Set<String> names = new HashSet<>();
    for (PipelineSpec p : pipelines) {
      if (!names.add(p.name())) {
        problems.add(
            new ConfigProblem(p.file(), NAME, "duplicate pipeline name '" + p.name() + "'"));
      }
    }
    checkTablePaths(pipelines, lake, checkpoints, file, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new TidemarkConfig(
        file,
        lake,
        checkpoints,
        bootstrap,
        kafkaOptions,
        commitOffsets,
        startupWait,
        slack,
        readerLag,
        bronze,
        spark,
        List.copyOf(pipelines));
  }

  /**
   * No result table at or inside another pipeline's table (a VACUUM of one would delete the other's
   * files; a Delta table inside another is read as part of it), and none at or around the
   * checkpoint root when that lies in the lake.
   */
  private static void checkTablePaths(
      List<PipelineSpec> pipelines,
      String lake,
      String checkpoints,
      Path mainFile,
      List<ConfigProblem> problems) {
    for (PipelineSpec p : pipelines) {
      String path = PipelineFileReader.normalizePath(p.sink().path());
      for (PipelineSpec other : pipelines) {
        if (other == p) {
          continue;
        }
        String otherPath = PipelineFileReader.normalizePath(other.sink().path());
        String relation =
            path.equals(otherPath)
                ? "is the table of"
                : within(path, otherPath)
                    ? "is inside the table of"
                    : within(otherPath, path) ? "contains the table of" : null;
        if (relation != null) {
          problems.add(
              new ConfigProblem(
                  p.file(),
                  SINK_PATH,
                  "'"
                      + path
                      + "' "
                      + relation
                      + " pipeline '"
                      + other.name()
                      + "' ("
                      + otherPath
                      + ", "
                      + other.file()
                      + "); give each pipeline a folder of its own, e.g. gold/"
                      + p.sink().table()));
        }
      }
      if (lake != null && checkpoints != null && checkpoints.startsWith(lake + "/")) {
        String cp = PipelineFileReader.normalizePath(checkpoints.substring(lake.length() + 1));
        if (path.equals(cp) || within(path, cp) || within(cp, path)) {
          problems.add(
              new ConfigProblem(
                  p.file(),
                  SINK_PATH,
                  "'"
                      + path
                      + "' overlaps the checkpoint folder "
                      + checkpoints
                      + " ("
                      + CHECKPOINTS
                      + " in "
                      + mainFile
                      + ")"));
        }
      }
    }
  }

  /** Whether normalized lake-relative {@code inner} lies strictly below {@code outer}. */
  private static boolean within(String inner, String outer) {
    return !outer.isEmpty() && inner.startsWith(outer + "/");
  }

  private static List<Path> pipelineFiles(Path dir, Path mainFile, List<ConfigProblem> problems) {
    if (!Files.isDirectory(dir)) {
      problems.add(new ConfigProblem(mainFile, PIPELINES_DIR, "folder not found: " + dir));
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
    } catch (IOException e) {
      problems.add(new ConfigProblem(mainFile, PIPELINES_DIR, "cannot list " + dir + ": " + e));
      return List.of();
    }
  }

  /**
   * Turns a lake location into a URI Hadoop understands: {@code s3a://} and {@code file:} stay as
   * they are, a plain path becomes an absolute {@code file:/} URI. Trailing slashes are dropped.
   */
  public static String normalizeLocation(String location) {
    if (location == null) {
      return null;
    }
    String l = location.strip();
    if (!l.contains(":/")) {
      l = "file:" + Path.of(l).toAbsolutePath().normalize();
    } else if (l.startsWith("file:///")) {
      l = "file:/" + l.substring("file:///".length()); // Hadoop's qualified form
    }
    while (l.endsWith("/") && !l.endsWith("://")) {
      l = l.substring(0, l.length() - 1);
    }
    return l;
  }
}
