package dev.tidemark.cli;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.EffectiveSetting;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.run.SparkSessionFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "validate",
    description = {
      "Load the configuration and every pipeline, and analyse each pipeline's SQL against its"
          + " declared schema with Spark. Needs no Kafka and moves no data.",
      "Pipelines are listed upstream first: a pipeline that reads another (source.pipeline)"
          + " after it; an unknown or update-mode upstream, or a cycle, is refused.",
      "Exit code 0 when all pipelines are valid, 2 otherwise (each problem names its file).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark validate --conf conf/local.conf",
      "  tidemark validate --show-config --set tidemark.lake=s3a://bucket/lake"
    })
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "NAME",
      description = "Pipeline to validate (repeatable). Default: all.")
  List<String> pipelines = new ArrayList<>();

  @Option(
      names = "--show-config",
      description =
          "Print the effective configuration instead: every tidemark key with its value and where"
              + " it came from (--set, -D, environment, the file and line, or reference.conf inside"
              + " the jar), secrets masked. Reads no pipeline and starts no Spark.")
  boolean showConfig;

  @Override
  public Integer call() {
    if (showConfig) {
      Path file = conf.file();
      output
          .out()
          .printf(
              "# highest first: --set, -D, environment, %s, the defaults inside the jar%n",
              file == null ? "no configuration file" : file);
      for (EffectiveSetting s :
          ConfigLoader.effectiveSettings(file, conf.overrides, System.getenv())) {
        output.out().printf("%s = %s    # %s%n", s.key(), s.value(), s.origin());
      }
      return 0;
    }
    TidemarkConfig config = conf.load();
    List<PipelineSpec> selected = config.select(pipelines);
    PipelineValidator validator =
        new PipelineValidator(SparkSessionFactory.create(config, "tidemark-validate"), config);
    List<ConfigProblem> problems = new ArrayList<>();
    for (PipelineSpec spec : selected) {
      List<ConfigProblem> found = validator.check(spec);
      output
          .out()
          .printf(
              "%-18s %s  (%s, %s mode%s)%n",
              spec.name(),
              found.isEmpty() ? "ok" : "INVALID",
              (config.file() == null ? Path.of("").toAbsolutePath() : config.file().getParent())
                  .relativize(spec.file()),
              spec.sink().outputMode().name().toLowerCase(),
              spec.source().fromPipeline() ? ", reads " + spec.source().pipeline() : "");
      problems.addAll(found);
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return 0;
  }
}
