package dev.tidemark.bench;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.WindowRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * What every case of one bench run shares: the Spark session, the loaded topic and how many events
 * it holds, the pipeline under test, the event-time range the events cover, and a fresh lake per
 * run (so no run reads another's checkpoint or table).
 *
 * @param configForLake loads the configuration with {@code tidemark.lake} set to the given folder
 * @param base the configuration as loaded, for what does not depend on the lake
 * @param sourceOptions Kafka source options that win over the pipeline file's (for tuning runs)
 */
record BenchContext(
    SparkSession spark,
    Function<Path, TidemarkConfig> configForLake,
    TidemarkConfig base,
    Path workDir,
    String pipeline,
    String topic,
    long events,
    WindowRange range,
    Map<String, String> sourceOptions) {

  /** The configuration of one run, its lake in a fresh folder named after the run. */
  TidemarkConfig configFor(String run) {
    Path lake = workDir.resolve(run);
    delete(lake);
    return configForLake.apply(lake);
  }

  PipelineSpec spec() {
    return spec(base);
  }

  /** The same run over another loaded topic (the scaling runs load one topic per point). */
  BenchContext forTopic(String otherTopic, long otherEvents) {
    return new BenchContext(
        spark,
        configForLake,
        base,
        workDir,
        pipeline,
        otherTopic,
        otherEvents,
        range,
        sourceOptions);
  }

  /** The pipeline as the bench runs it: reading the loaded topic, with the extra source options. */
  PipelineSpec spec(TidemarkConfig config) {
    PipelineSpec spec =
        config
            .pipeline(pipeline)
            .orElseThrow(() -> new IllegalArgumentException("no pipeline named " + pipeline));
    if (sourceOptions.isEmpty() && spec.source().topics().equals(List.of(topic))) {
      return spec;
    }
    Map<String, String> options = new LinkedHashMap<>(spec.source().options());
    options.putAll(sourceOptions);
    return spec.withSource(spec.source().withTopics(List.of(topic)).withOptions(options));
  }

  /** Removes a run's lake once it has been checked. */
  void clean(String run) {
    delete(workDir.resolve(run));
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
