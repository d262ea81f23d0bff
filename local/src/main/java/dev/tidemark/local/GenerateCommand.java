package dev.tidemark.local;

import dev.tidemark.cli.CommandOutput;
import dev.tidemark.cli.OnePipeline;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.source.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "generate",
    description = {
      "Send sample events for a pipeline to its Kafka topic (tidemark.kafka.bootstrap-servers):"
          + " realistic shapes (cards paying a few times an hour with rare bursts, sensors with a"
          + " daily cycle and faulty devices, a long tail of pages and users), out-of-order"
          + " arrival, a share of late and malformed records.",
      "The Kafka record timestamp is the arrival time (event time plus a delay).",
      ""
    },
    footer = {
      "",
      "Example:",
      "  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 tidemark generate -p card-velocity --events 10000"
    })
public final class GenerateCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Option(
      names = "--events",
      defaultValue = "10000",
      description = "How many events (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--span-minutes",
      defaultValue = "120",
      description =
          "Event times spread over this many minutes ending now (default ${DEFAULT-VALUE}).")
  long spanMinutes;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--late",
      defaultValue = "0.01",
      description = "Share of late events (default ${DEFAULT-VALUE}).")
  double late;

  @Option(
      names = "--malformed",
      defaultValue = "0.01",
      description = "Share of malformed records (default ${DEFAULT-VALUE}).")
  double malformed;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    Duration span = Duration.ofMinutes(spanMinutes);
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(span);
    GeneratorSettings base = GeneratorSettings.of(start, span, events, seed);
    GeneratorSettings settings =
        new GeneratorSettings(
            start, span, events, seed, base.maxDelay(), late, base.lateBy(), malformed);
    List<GeneratedEvent> generated = SampleEvents.generate(generatorOf(spec), settings);
    String topic = spec.source().topics().get(0);
    EventProducer.send(KafkaClients.properties(config, spec), topic, generated);
    output
        .out()
        .printf(
            "sent %s to %s at %s%n",
            SampleEvents.describe(generated), topic, config.bootstrapServers());
    return 0;
  }

  static String generatorOf(PipelineSpec spec) {
    if (spec.generator().isEmpty()) {
      throw new IllegalArgumentException(
          spec.file() + ": demo.generator is not set; known generators: " + SampleEvents.names());
    }
    return spec.generator();
  }
}
