package dev.tidemark.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated configuration: where the lake is, how to reach Kafka, Spark settings and the
 * declared pipelines. Immutable; built once by {@link ConfigLoader}.
 *
 * @param lake lake root URI (file:/..., s3a://...), no trailing slash
 * @param checkpoints checkpoint root URI
 * @param commitOffsets commit processed offsets to the consumer group tidemark-PIPELINE (for lag
 *     monitoring only)
 * @param kafkaStartupWait how long a stream waits for Kafka to answer at start, retrying with
 *     backoff, before it stops with a message naming the bootstrap servers
 * @param slowestReaderLag how far behind the slowest reader of the tables may be; VACUUM keeps at
 *     least this much history
 * @param bronze the bronze layer: raw records per topic, the default replay source
 */
public record TidemarkConfig(
    Path file,
    String lake,
    String checkpoints,
    String bootstrapServers,
    Map<String, String> kafkaOptions,
    boolean commitOffsets,
    Duration kafkaStartupWait,
    Duration kafkaTimestampSlack,
    Duration slowestReaderLag,
    BronzeSpec bronze,
    Map<String, String> sparkConf,
    List<PipelineSpec> pipelines) {

  /** Where a pipeline's result table lives. */
  public String tablePath(PipelineSpec pipeline) {
    return lake + "/" + pipeline.sink().path();
  }

  /** Where a dimension table of an enrichment join lives. */
  public String dimensionPath(DimensionSpec dimension) {
    return lake + "/" + dimension.path();
  }

  /** Where rejected (unparseable) records of a pipeline are kept. */
  public String quarantinePath(PipelineSpec pipeline) {
    return lake + "/quarantine/" + pipeline.name();
  }

  /** The bronze table of a topic: its records as they arrived. */
  public String bronzePath(String topic) {
    return lake + "/bronze/" + topic;
  }

  /** The checkpoint of a topic's bronze ingest query (one per topic, shared by its pipelines). */
  public String bronzeCheckpointPath(String topic) {
    return checkpoints + "/_bronze/" + topic;
  }

  /** The metrics table: one row per micro-batch of every query. */
  public String metricsPath() {
    return lake + "/_metrics/streaming";
  }

  /** The repairs table: one row per repair that recomputed windows. */
  public String repairsPath() {
    return lake + "/_metrics/repairs";
  }

  /** The checkpoint folder of one streaming query of a pipeline. */
  public String checkpointPath(PipelineSpec pipeline, String query) {
    return checkpoints + "/" + pipeline.name() + "/" + query;
  }

  public Optional<PipelineSpec> pipeline(String name) {
    return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Returns the named pipelines, or every pipeline when {@code names} is empty. */
  public List<PipelineSpec> select(List<String> names) {
    if (names == null || names.isEmpty()) {
      return pipelines;
    }
    return names.stream()
        .map(
            n ->
                pipeline(n)
                    .orElseThrow(
                        () ->
                            new InvalidConfigException(
                                new ConfigProblem(
                                    file,
                                    "--pipeline",
                                    "no pipeline named '"
                                        + n
                                        + "'; declared: "
                                        + pipelines.stream().map(PipelineSpec::name).toList()))))
        .toList();
  }

  public TidemarkConfig withPipelines(List<PipelineSpec> newPipelines) {
    return new TidemarkConfig(
        file,
        lake,
        checkpoints,
        bootstrapServers,
        kafkaOptions,
        commitOffsets,
        kafkaStartupWait,
        kafkaTimestampSlack,
        slowestReaderLag,
        bronze,
        sparkConf,
        List.copyOf(newPipelines));
  }

  /** Secret-looking Kafka options and Spark settings print as [redacted]. */
  @Override
  public String toString() {
    return "TidemarkConfig[file="
        + file
        + ", lake="
        + lake
        + ", checkpoints="
        + checkpoints
        + ", bootstrapServers="
        + bootstrapServers
        + ", kafkaOptions="
        + Secrets.redact(kafkaOptions)
        + ", commitOffsets="
        + commitOffsets
        + ", bronze="
        + bronze
        + ", sparkConf="
        + Secrets.redact(sparkConf)
        + ", pipelines="
        + pipelines
        + "]";
  }
}
