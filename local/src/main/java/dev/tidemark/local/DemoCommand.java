package dev.tidemark.local;

import dev.tidemark.cli.CommandOutput;
import dev.tidemark.cli.ConfOptions;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.run.BackfillRunner;
import dev.tidemark.run.BronzeIngest;
import dev.tidemark.run.DimensionSeeds;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.RepairRunner;
import dev.tidemark.run.RunningBronze;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.SparkSessionFactory;
import dev.tidemark.run.StreamRunner;
import dev.tidemark.source.ReplaySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
          + " this process, sends sample events for every pipeline that has a demo.generator (the"
          + " others are skipped and named), runs the streams (each in about 8 micro-batches)"
          + " and the bronze ingest of their topics until caught up, repairs the first pipeline's windows that"
          + " the stream closed without their late events (from bronze), backfills one hour of it,"
          + " and prints a summary per table.",
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

  @Option(
      names = "--batches",
      defaultValue = "" + DemoPlan.BATCHES,
      description =
          "Micro-batches each stream reads its topic in (default ${DEFAULT-VALUE}); fewer is"
              + " faster, more gives the pipeline-health notebook a longer series.")
  int batches;

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

      DemoPlan plan = DemoPlan.of(config.pipelines());
      for (String skipped : plan.skipped()) {
        output.out().printf("skipping %s (no sample events for it)%n", skipped);
      }
      if (plan.run().isEmpty()) {
        throw new IllegalArgumentException(
            "no pipeline has a demo.generator; known generators: " + SampleEvents.names());
      }
      List<PipelineSpec> pipelines = plan.run();
      Duration span = Duration.ofHours(hours);
      Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(span);
      Set<String> sentTo = new HashSet<>();
      for (PipelineSpec spec : pipelines) {
        String topic = spec.source().topics().get(0);
        if (!sentTo.add(topic)) {
          continue; // another pipeline of the demo reads this topic: its events are there
        }
        kafka.createTopics(List.of(topic), 2);
        List<GeneratedEvent> generated =
            SampleEvents.generate(
                GenerateCommand.generatorOf(spec),
                GeneratorSettings.of(start, span, events, spec.name().hashCode()));
        EventProducer.send(kafka.bootstrapServers(), topic, generated);
        output.out().printf("sent %s to %s%n", SampleEvents.describe(generated), topic);
      }

      List<PipelineSpec> all = new ArrayList<>(pipelines);
      all.addAll(plan.downstream());
      // The dimension tables of the samples' enrichment joins, from their seeds.
      for (String path :
          DimensionSeeds.createMissing(
              SparkSessionFactory.create(config, "tidemark-demo"), config, all)) {
        output.out().printf("wrote the sample dimension table %s%n", path);
      }
      PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-demo", all);
      StreamRunner streams = new StreamRunner(runtime.spark(), config);
      List<RunningPipeline> running = new ArrayList<>();
      for (PipelineSpec spec : pipelines) {
        running.add(
            streams.start(
                DemoPlan.inBatches(spec, events, batches), TriggerSpec.availableNowTrigger()));
      }
      List<String> topics = BronzeIngest.topicsOf(config, pipelines);
      RunningBronze bronze =
          config.bronze().enabled()
              ? new BronzeIngest(runtime.spark(), config)
                  .start(topics, TriggerSpec.availableNowTrigger())
              : RunningBronze.none();
      output
          .out()
          .printf(
              "streaming %d pipelines (about %d micro-batches each)%s until caught up...%n",
              running.size(),
              batches,
              config.bronze().enabled() ? " and the bronze ingest of " + topics : "");
      for (RunningPipeline r : running) {
        r.awaitTermination();
      }
      bronze.awaitTermination();
      // Pipelines that read the tables just written (source.pipeline), once those caught up.
      for (PipelineSpec spec : plan.downstream()) {
        RunningPipeline r = streams.start(spec, TriggerSpec.availableNowTrigger());
        output
            .out()
            .printf(
                "streaming %s from the table of %s...%n", spec.name(), spec.source().pipeline());
        r.awaitTermination();
      }
      runtime.close();

      PipelineSpec first = pipelines.get(0);
      if (config.bronze().enabled()) {
        RepairRunner.Result repair =
            new RepairRunner(runtime.spark(), config).run(first, false, c -> {});
        output
            .out()
            .printf(
                "repair %s: %d late events found in bronze, %d closed windows recomputed from"
                    + " bronze (%d rows); %d late events of windows still open wait for the next"
                    + " repair%n",
                first.name(),
                repair.plan().lateRecords(),
                repair.plan().windows(),
                repair.rowsWritten(),
                repair.plan().deferredRecords());
      }
      WindowRange hour =
          WindowRange.covering(start, start.plus(Duration.ofHours(1)), first.window());
      BackfillRunner backfillRunner =
          new BackfillRunner(
              runtime.spark(), config, ReplaySource.defaultFor(runtime.spark(), config, first));
      BackfillRunner.Result backfill = backfillRunner.run(first, hour);
      output
          .out()
          .printf(
              "backfill %s %s from %s: %d rows replaced atomically (table version %d)%n",
              first.name(),
              hour,
              backfillRunner.source().label(),
              backfill.rowsWritten(),
              backfill.tableVersion());

      for (PipelineSpec spec : all) {
        output
            .out()
            .print(dev.tidemark.ops.TableSummary.of(runtime.spark(), config, spec).render());
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
