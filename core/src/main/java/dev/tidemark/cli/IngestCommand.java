package dev.tidemark.cli;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.run.BronzeIngest;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.QueryGroup;
import dev.tidemark.run.RunningBronze;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "ingest",
    description = {
      "Run only the bronze ingest: keep every record of the topics as it arrived in"
          + " LAKE/bronze/TOPIC, exactly once (the same queries `stream` starts unless"
          + " tidemark.bronze.enabled=false).",
      "For deployments where several stream processes share topics: run those with"
          + " tidemark.bronze.enabled=false and one `ingest` for all their topics. One process per"
          + " topic: a second one exits with code 3.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark ingest                                 # the topics of every pipeline",
      "  tidemark ingest -p card-velocity --available-now"
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "NAME",
      description = "Ingest this pipeline's topics (repeatable). Default: every pipeline's.")
  List<String> pipelines = new ArrayList<>();

  @Option(
      names = "--available-now",
      description = "Ingest everything in Kafka now, then stop (Trigger.AvailableNow).")
  boolean availableNow;

  @Override
  public Integer call() throws Exception {
    TidemarkConfig config = conf.load();
    List<PipelineSpec> selected = config.select(pipelines);
    Set<String> topics = new LinkedHashSet<>(BronzeIngest.topicsOf(config, selected));
    PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-ingest", selected);
    RunningBronze bronze =
        new BronzeIngest(runtime.spark(), config)
            .start(
                List.copyOf(topics),
                availableNow ? TriggerSpec.availableNowTrigger() : config.bronze().trigger());
    try (StopOnExit stop = StopOnExit.register(bronze::stop)) {
      // The first failed query stops the others; the exception names it.
      new QueryGroup(runtime.spark(), QueryGroup.of(List.of(), bronze), bronze.locks()).await();
    } finally {
      runtime.close();
    }
    for (String topic : topics) {
      output
          .out()
          .printf(
              "bronze %s: %d records in %s%n",
              topic,
              runtime.spark().read().format("delta").load(config.bronzePath(topic)).count(),
              config.bronzePath(topic));
    }
    return 0;
  }
}
