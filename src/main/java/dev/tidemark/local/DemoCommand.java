package dev.tidemark.local;

import dev.tidemark.cli.CommandOutput;
import dev.tidemark.cli.ConfOptions;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.StreamRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "demo",
    description = {
      "The whole flow on this machine, with nothing to install: starts a Kafka broker (KRaft) in"
          + " this process, sends sample events for every pipeline, runs the streams until caught"
          + " up, backfills one hour of the first pipeline, and prints a summary per table.",
      "Starts from an empty local lake (tidemark.lake, default target/tidemark-lake).",
      ""
    },
    footer = {"", "Example:", "  scripts/tidemark demo --events 20000"})
public final class DemoCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Option(
      names = "--events",
      defaultValue = "20000",
      description = "Events per pipeline (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--hours",
      defaultValue = "2",
      description =
          "Hours of event time to generate, ending at the last full hour (default ${DEFAULT-VALUE}).")
  int hours;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      TidemarkConfig config =
          conf.load(Map.of(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
      resetLocalLake(config);
      output
          .out()
          .printf(
              "Kafka (KRaft, in-process) at %s; lake at %s%n",
              kafka.bootstrapServers(), config.lake());

      Duration span = Duration.ofHours(hours);
      Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(span);
      for (PipelineSpec spec : config.pipelines()) {
        String topic = spec.source().topics().get(0);
        kafka.createTopics(List.of(topic), 2);
        List<GeneratedEvent> generated =
            SampleEvents.generate(
                GenerateCommand.generatorOf(spec),
                GeneratorSettings.of(start, span, events, spec.name().hashCode()));
        EventProducer.send(kafka.bootstrapServers(), topic, generated);
        output.out().printf("sent %s to %s%n", SampleEvents.describe(generated), topic);
      }

      PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-demo", config.pipelines());
      StreamRunner streams = new StreamRunner(runtime.spark(), config);
      List<RunningPipeline> running = new ArrayList<>();
      for (PipelineSpec spec : config.pipelines()) {
        running.add(streams.start(spec, TriggerSpec.availableNowTrigger()));
      }
      output.out().printf("streaming %d pipelines until caught up...%n", running.size());
      for (RunningPipeline r : running) {
        r.awaitTermination();
      }
      runtime.close();

      PipelineSpec first = config.pipelines().get(0);
      WindowRange hour =
          WindowRange.covering(start, start.plus(Duration.ofHours(1)), first.window());
      BackfillRunner.Result backfill = new BackfillRunner(runtime.spark(), config).run(first, hour);
      output
          .out()
          .printf(
              "backfill %s %s: %d rows replaced atomically (table version %d)%n",
              first.name(), hour, backfill.rowsWritten(), backfill.tableVersion());

      for (PipelineSpec spec : config.pipelines()) {
        output
            .out()
            .print(dev.tidemark.cli.TableSummary.of(runtime.spark(), config, spec).render());
        output.out().flush();
      }
      output
          .out()
          .printf(
              "%ndemo finished in %.0f s. Next: scripts/tidemark status (health of each pipeline)%n",
              (System.nanoTime() - started) / 1e9);
      runtime.spark().stop();
    }
    return 0;
  }

  private static void resetLocalLake(TidemarkConfig config) throws IOException {
    if (!config.lake().startsWith("file:")) {
      throw new IllegalArgumentException(
          "demo runs on a local lake only; tidemark.lake is " + config.lake());
    }
    Path lake = Path.of(java.net.URI.create(config.lake()));
    if (Files.exists(lake)) {
      try (Stream<Path> walk = Files.walk(lake)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
