package dev.tidemark.cli;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of a command that works on one pipeline: the configuration ({@link ConfOptions}) and
 * {@code -p NAME}.
 */
public final class OnePipeline {
  @Mixin ConfOptions conf;

  @Option(
      names = {"-p", "--pipeline"},
      required = true,
      paramLabel = "NAME",
      description = "The pipeline, by its name (pipelines/NAME.conf in the configuration folder).")
  String name;

  /** The pipeline's name as given. */
  public String name() {
    return name;
  }

  /** The configuration, loaded and validated. */
  public TidemarkConfig load() {
    return conf.load();
  }

  /** The pipeline in {@code config}; an unknown name fails naming the pipelines there are. */
  public PipelineSpec in(TidemarkConfig config) {
    return config.select(List.of(name)).get(0);
  }
}
