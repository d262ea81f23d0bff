package dev.tidemark.config;

import static dev.tidemark.config.ConfigKeys.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads the main configuration file and every pipeline file into an immutable {@link
 * TidemarkConfig}, or fails with an {@link InvalidConfigException} listing every problem.
 *
 * <p>Precedence, highest first, the same for every key: {@code overrides} ({@code --set}), JVM
 * system properties ({@code -Dtidemark.*}), environment variables ({@link ConfigKeys#ENVIRONMENT}),
 * the given file (and the files it includes), the defaults inside the jar ({@code reference.conf}).
 * Every {@code include} must name an existing file, and a key Tidemark does not read is an error.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** The defaults inside the jar. */
  static final String DEFAULTS = "reference.conf";

  public static TidemarkConfig load(Path confFile) {
    return load(confFile, Map.of());
  }

  public static TidemarkConfig load(Path confFile, Map<String, String> overrides) {
    return load(confFile, overrides, System.getenv());
  }

  /**
   * Loads the configuration.
   *
   * @param confFile the main file, or null for none: the defaults inside the jar, the environment,
   *     system properties and overrides only (pipelines-dir then is relative to the working folder)
   * @param overrides settings given on the command line ({@code --set})
   * @param environment the process environment (only the variables of {@link
   *     ConfigKeys#ENVIRONMENT} are read)
   */
  public static TidemarkConfig load(
      Path confFile, Map<String, String> overrides, Map<String, String> environment) {
    return load(confFile, overrides, environment, PipelineChecks.FULL);
  }

  /**
   * Loads the configuration, checking the pipelines' schema and SQL as far as {@code checks} says
   * (see {@link PipelineChecks}); the other arguments as for {@link #load(Path, Map, Map)}.
   */
  public static TidemarkConfig load(
      Path confFile,
      Map<String, String> overrides,
      Map<String, String> environment,
      PipelineChecks checks) {
    Path file = confFile == null ? null : confFile.toAbsolutePath().normalize();
    Path base = file == null ? Path.of("").toAbsolutePath() : file.getParent();
    Config config = merged(file, overrides, environment);

    List<ConfigProblem> unknown = new ArrayList<>();
    if (config.root().get(ROOT) instanceof ConfigObject tidemark) {
      unknown.addAll(
          UnknownKeys.find(tidemark, List.of(ROOT), MAIN_KEYS, file == null ? base : file));
    }
    ConfigReader r = new ConfigReader(config, file);
    r.problems().addAll(unknown);
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
      Path dir = base.resolve(pipelinesDir).normalize();
      for (Path pipelineFile : pipelineFiles(dir, file, problems)) {
        PipelineSpec spec = PipelineFileReader.read(pipelineFile, checks, problems);
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
    problems.addAll(sharedTables(pipelines));
    checkTablePaths(pipelines, lake, checkpoints, file, problems);
    problems.addAll(PipelineChain.problems(pipelines));
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
        PipelineChain.upstreamFirst(pipelines));
  }

  /**
   * The folder of pipeline files the configuration names (which need not exist yet), without
   * reading the pipelines: for {@code tidemark init}.
   */
  public static Path pipelinesDir(Path confFile, Map<String, String> overrides) {
    Path file = confFile == null ? null : confFile.toAbsolutePath().normalize();
    Path base = file == null ? Path.of("").toAbsolutePath() : file.getParent();
    Config config = merged(file, overrides, System.getenv());
    ConfigReader r = new ConfigReader(config, file);
    String dir = r.string(PIPELINES_DIR, "pipelines");
    if (!r.problems().isEmpty()) {
      throw new InvalidConfigException(r.problems());
    }
    return base.resolve(dir).normalize();
  }

  /**
   * Every key under {@code tidemark} as {@link #load} would read it from these layers (same
   * precedence), sorted by key, each with the origin of its value. Values of secret-looking keys
   * ({@link Secrets#isSecret}) are {@link Secrets#REDACTED}. The pipelines are not read, and a file
   * that cannot be parsed fails as for {@link #load}.
   */
  public static List<EffectiveSetting> effectiveSettings(
      Path confFile, Map<String, String> overrides, Map<String, String> environment) {
    Path file = confFile == null ? null : confFile.toAbsolutePath().normalize();
    Config config = merged(file, overrides, environment);
    List<EffectiveSetting> settings = new ArrayList<>();
    if (!config.hasPath(ROOT)) {
      return settings;
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig(ROOT).entrySet()) {
      ConfigValue value = e.getValue();
      String text =
          Secrets.isSecret(e.getKey())
              ? Secrets.REDACTED
              : value.valueType() == ConfigValueType.STRING
                  ? (String) value.unwrapped()
                  : value.render(ConfigRenderOptions.concise());
      settings.add(
          new EffectiveSetting(ROOT + "." + e.getKey(), text, value.origin().description()));
    }
    settings.sort(Comparator.comparing(EffectiveSetting::key));
    return settings;
  }

  /** The layers, highest first: --set, -D, environment, the file, the defaults inside the jar. */
  private static Config merged(
      Path file, Map<String, String> overrides, Map<String, String> environment) {
    if (file != null && !Files.isRegularFile(file)) {
      throw new InvalidConfigException(
          new ConfigProblem(file, "", "configuration file not found (pass --conf FILE)"));
    }
    try {
      Config fromFile =
          file == null
              ? ConfigFactory.empty("no configuration file")
              : ConfigFactory.parseFile(file.toFile(), RequiredIncluder.options());
      return ConfigFactory.parseMap(overrides, "--set")
          .withFallback(systemProperties())
          .withFallback(environment(environment))
          .withFallback(fromFile)
          .withFallback(defaults())
          .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          new ConfigProblem(file, "", "cannot parse: " + e.getMessage()));
    }
  }

  /** Two pipelines writing one table (by name or by path) would overwrite each other's rows. */
  private static List<ConfigProblem> sharedTables(List<PipelineSpec> pipelines) {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, PipelineSpec> byTable = new HashMap<>();
    Map<String, PipelineSpec> byPath = new HashMap<>();
    for (PipelineSpec p : pipelines) {
      PipelineSpec other = byTable.putIfAbsent(p.sink().table(), p);
      if (other != null) {
        problems.add(shared(p, SINK_TABLE, "table '" + p.sink().table() + "'", other));
      }
      String path = Path.of(p.sink().path()).normalize().toString();
      other = byPath.putIfAbsent(path, p);
      if (other != null) {
        problems.add(shared(p, SINK_PATH, "table path '" + path + "'", other));
      }
    }
    return problems;
  }

  private static ConfigProblem shared(PipelineSpec p, String key, String what, PipelineSpec other) {
    return new ConfigProblem(
        p.file(),
        key,
        what
            + " is also written by pipeline '"
            + other.name()
            + "' ("
            + other.file()
            + "); give each pipeline its own "
            + key);
  }

  /** The defaults inside the jar: the {@code tidemark} part of every {@code reference.conf}. */
  private static Config defaults() {
    return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS)
        .withOnlyPath(ROOT);
  }

  /** The variables of {@link ConfigKeys#ENVIRONMENT} that are set, as settings. */
  private static Config environment(Map<String, String> environment) {
    Map<String, String> settings = new LinkedHashMap<>();
    ENVIRONMENT.forEach(
        (variable, key) -> {
          String value = environment.get(variable);
          if (value != null && !value.isEmpty()) {
            settings.put(key, value);
          }
        });
    return ConfigFactory.parseMap(settings, "environment");
  }

  /**
   * {@code -Dtidemark.*} properties that name a key (or a setting inside a free-form map); other
   * {@code tidemark.*} properties belong to the JVM (tests, tools), not to the configuration. Read
   * afresh each time (ConfigFactory.systemProperties() is cached for the JVM's life).
   */
  private static Config systemProperties() {
    Properties chosen = new Properties();
    Properties all = System.getProperties();
    for (String name : all.stringPropertyNames()) {
      boolean known =
          MAIN_KEYS.contains(name) || FREE_FORM.stream().anyMatch(k -> name.startsWith(k + "."));
      if (known) {
        chosen.setProperty(name, all.getProperty(name));
      }
    }
    return ConfigFactory.parseProperties(
        chosen, ConfigParseOptions.defaults().setOriginDescription("system properties"));
  }

  /**
   * No result table inside another pipeline's table (a VACUUM of one would delete the other's
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
        // The same path is reported by sharedTables.
        String relation =
            within(path, otherPath)
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
