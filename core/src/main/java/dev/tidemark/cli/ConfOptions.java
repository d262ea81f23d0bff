package dev.tidemark.cli;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineChecks;
import dev.tidemark.config.TidemarkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: which configuration to load and ad-hoc overrides. */
public final class ConfOptions {
  /** The file used when neither --conf nor TIDEMARK_CONF names one, if it exists (a checkout). */
  static final Path CHECKOUT_DEFAULT = Path.of("conf/local.conf");

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description =
          "Configuration file (HOCON). Default: $TIDEMARK_CONF, else conf/local.conf when it"
              + " exists, else none (the defaults inside the jar, the environment, -D and --set)."
              + " Pipelines are read from its pipelines/ folder.")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting, e.g. --set tidemark.lake=s3a://bucket/lake. Wins over files,"
              + " environment and -D properties.")
  Map<String, String> overrides = new LinkedHashMap<>();

  public TidemarkConfig load() {
    return ConfigLoader.load(file(), overrides);
  }

  /**
   * The configuration without parsing the pipelines' schema and SQL ({@link
   * PipelineChecks#WITHOUT_SQL}): for commands that only read the lake, and start no Spark.
   */
  public TidemarkConfig loadWithoutSql() {
    return ConfigLoader.load(file(), overrides, System.getenv(), PipelineChecks.WITHOUT_SQL);
  }

  public TidemarkConfig load(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    all.putAll(extra);
    return ConfigLoader.load(file(), all);
  }

  /** The folder of pipeline files the configuration names. */
  public Path pipelinesDir() {
    return ConfigLoader.pipelinesDir(file(), overrides);
  }

  /** The configuration file to read, or null for none. */
  public Path file() {
    if (conf != null) {
      return conf;
    }
    String fromEnv = System.getenv("TIDEMARK_CONF");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    return Files.isRegularFile(CHECKOUT_DEFAULT) ? CHECKOUT_DEFAULT : null;
  }
}
