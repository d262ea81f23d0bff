package dev.tidemark.cli;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: which configuration to load and ad-hoc overrides. */
public final class ConfOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "${env:TIDEMARK_CONF:-conf/local.conf}",
      description =
          "Configuration file (HOCON). Default: $TIDEMARK_CONF, else ${DEFAULT-VALUE}. "
              + "Pipelines are read from its pipelines/ folder.")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting, e.g. --set tidemark.lake=s3a://bucket/lake. Wins over files,"
              + " environment and -D properties.")
  Map<String, String> overrides = new LinkedHashMap<>();

  public TidemarkConfig load() {
    return ConfigLoader.load(conf, overrides);
  }

  public TidemarkConfig load(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    all.putAll(extra);
    return ConfigLoader.load(conf, all);
  }
}
