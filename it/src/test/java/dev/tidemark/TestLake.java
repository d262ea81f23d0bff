package dev.tidemark;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.SinkSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.local.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh lake under target/test-lakes and the shipped configuration (with the sample pipelines
 * only) pointed at it and at the test broker. Pipelines get topics of their own, so test classes
 * sharing the broker never see each other's events.
 */
public final class TestLake {
  private TestLake() {}

  public static TidemarkConfig fresh(String name) {
    return fresh(name, TestKafka.broker());
  }

  /** A fresh lake, with the configuration pointed at the given broker. */
  public static TidemarkConfig fresh(String name, EmbeddedKafka broker) {
    return fresh(name, broker, SamplePipelines.dir());
  }

  /** A fresh lake on the test broker, with the pipelines of {@code pipelinesDir}. */
  public static TidemarkConfig fresh(String name, EmbeddedKafka broker, Path pipelinesDir) {
    String lake =
        TestSpark.projectDir()
            .resolve(
                "target/test-lakes/" + name + "-" + UUID.randomUUID().toString().substring(0, 8))
            .toString();
    return at(lake, broker, pipelinesDir);
  }

  /**
   * A fresh lake (and its checkpoints) on s3a://, in the test S3 server, with the shared session's
   * s3a settings pointed at that server; otherwise as {@link #fresh(String, EmbeddedKafka, Path)}.
   */
  public static TidemarkConfig freshOnS3(String name, EmbeddedKafka broker, Path pipelinesDir) {
    TestS3.configure(TestSpark.session().sparkContext().hadoopConfiguration());
    return at(TestS3.freshPrefix(name), broker, pipelinesDir);
  }

  private static TidemarkConfig at(String lake, EmbeddedKafka broker, Path pipelinesDir) {
    return ConfigLoader.load(
        TestSpark.projectDir().resolve("conf/local.conf"),
        Map.of(
            ConfigKeys.LAKE,
            lake,
            ConfigKeys.CHECKPOINTS,
            lake + "/_checkpoints",
            ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            broker.bootstrapServers(),
            ConfigKeys.PIPELINES_DIR,
            pipelinesDir.toString()));
  }

  /**
   * The pipeline reading from a topic of its own (created, two partitions), in micro-batches of at
   * most {@code batchSize} records.
   */
  public static PipelineSpec ownTopic(PipelineSpec spec, int batchSize) {
    return ownTopic(spec, batchSize, TestKafka.broker());
  }

  /** {@link #ownTopic(PipelineSpec, int)} on the given broker. */
  public static PipelineSpec ownTopic(PipelineSpec spec, int batchSize, EmbeddedKafka broker) {
    String topic =
        spec.source().topics().get(0) + "-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopics(List.of(topic), 2);
    return spec.withSource(
        spec.source()
            .withTopics(List.of(topic))
            .withOptions(Map.of("maxOffsetsPerTrigger", Integer.toString(batchSize))));
  }

  /**
   * The same pipeline under another name (so another checkpoint), writing to {@code gold/NAME} with
   * the given output mode.
   */
  public static PipelineSpec variant(PipelineSpec spec, String name, OutputMode mode) {
    SinkSpec k = spec.sink();
    return spec.toBuilder()
        .name(name)
        .sink(
            new SinkSpec(
                k.table(),
                "gold/" + name,
                k.partitionBy(),
                k.keys(),
                mode,
                k.trigger(),
                k.zorderBy()))
        .build();
  }
}
