package dev.tidemark.run;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.sink.DeltaAppendSink;
import dev.tidemark.sink.DeltaMergeSink;
import dev.tidemark.sink.DeltaQuarantineSink;
import dev.tidemark.sink.DeltaTableInit;
import dev.tidemark.sink.StreamSink;
import dev.tidemark.sink.StreamTarget;
import dev.tidemark.source.KafkaReachability;
import dev.tidemark.source.KafkaStreamSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline as a stream: Kafka → decode → watermark → SQL → Delta, with rejected records
 * appended to the pipeline's quarantine table; a restart resumes from the checkpoints under {@code
 * tidemark.checkpoints/NAME/} exactly once.
 *
 * <p>A pipeline whose SQL has a sliced form ({@link SlicedAggregation}: the sample pipelines and
 * most windowed aggregations) runs as one query that reads and parses each record once and
 * aggregates it once into its slice ({@link SlicedStream}). Any other SQL runs as two queries
 * reading the topic each: the SQL on Spark's stateful aggregation, and the quarantine.
 */
public final class StreamRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);
  static final String GOLD_QUERY = "gold";
  static final String QUARANTINE_QUERY = "quarantine";

  /** The slice table of a sliced pipeline lives in its checkpoint folder, under this name. */
  static final String SLICES = "slices";

  private final SparkSession spark;
  private final TidemarkConfig config;
  private final Map<PipelineSpec, SlicedAggregation.Analysis> analyses = new HashMap<>();
  private int sliceCompactionEvery = SlicedStream.COMPACT_EVERY_BATCHES;

  public StreamRunner(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Compacts the slice tables of the sliced pipelines this runner starts every {@code batches}
   * micro-batches instead of every {@value SlicedStream#COMPACT_EVERY_BATCHES}: lets a test see a
   * compaction within a few batches.
   */
  StreamRunner compactingSlicesEvery(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException(
          "compaction interval must be at least 1 batch: " + batches);
    }
    this.sliceCompactionEvery = batches;
    return this;
  }

  /**
   * Starts the pipeline's queries, once Kafka answers (see {@link KafkaReachability}).
   *
   * @param trigger the trigger to use instead of the pipeline's, or null to keep it
   */
  public RunningPipeline start(PipelineSpec spec, TriggerSpec trigger) throws TimeoutException {
    TriggerSpec effective = trigger != null ? trigger : spec.sink().trigger();
    refuseForeignTables(spec);
    if (!spec.source().fromPipeline()) {
      KafkaReachability.await(config, spec);
    }
    LakeManifest.record(config, spec);
    SlicedAggregation.Analysis sliced = analysis(spec);
    if (sliced.sliced()) {
      // After a full refresh (PipelineReset), a new query starts where bronze ended.
      PipelineReset.Start reset = PipelineReset.startOf(spark, config, spec);
      boolean fresh =
          StreamCheckpoint.queryId(
                  spark.sparkContext().hadoopConfiguration(),
                  config.checkpointPath(spec, GOLD_QUERY))
              .isEmpty();
      StreamingQuery query =
          SlicedStream.start(
              spark,
              spec,
              sliced.aggregation(),
              KafkaStreamSource.read(spark, config, spec, fresh ? reset.startingOffsets() : null),
              goldTarget(spec, effective),
              config.quarantinePath(spec),
              config.checkpointPath(spec, SLICES),
              reset.watermarkMs(),
              new DimensionTables(spark, config),
              sliceCompactionEvery);
      LOG.info(
          "pipeline {} streaming {} -> {} ({} mode, trigger {}, {} ms slices)",
          spec.name(),
          spec.source().describeTopics(),
          config.tablePath(spec),
          spec.sink().outputMode().name().toLowerCase(),
          effective,
          sliced.aggregation().sliceMillis());
      return new RunningPipeline(spec, query, null);
    }
    refuseDimensionsWithout(spec, sliced);
    LOG.info(
        "pipeline {} runs on Spark's stateful aggregation, with a separate quarantine query: {}",
        spec.name(),
        sliced.notSlicedBecause());
    PipelineFrames run =
        PipelineFrames.over(
            KafkaStreamSource.read(spark, config, spec),
            spec,
            config,
            PipelineFrames.EventFilter.ALL);
    DeltaTableInit.ensure(spark, run.tablePath(), run.result().schema(), spec.sink().partitionBy());
    if (spec.sink().outputMode() == OutputMode.APPEND) {
      warnOfHeldWindows(spec);
    }
    StreamSink goldSink =
        spec.sink().outputMode() == OutputMode.UPDATE
            ? new DeltaMergeSink()
            : new DeltaAppendSink();
    var gold = goldSink.start(run.result(), goldTarget(spec, effective));
    DeltaTableInit.ensure(spark, config.quarantinePath(spec), run.rejected().schema(), List.of());
    var quarantine =
        new DeltaQuarantineSink()
            .start(
                run.rejected(),
                StreamTarget.append(
                    spec.name() + "-" + QUARANTINE_QUERY,
                    config.quarantinePath(spec),
                    config.checkpointPath(spec, QUARANTINE_QUERY),
                    effective,
                    List.of()));
    LOG.info(
        "pipeline {} streaming {} -> {} ({} mode, trigger {})",
        spec.name(),
        spec.source().describeTopics(),
        run.tablePath(),
        spec.sink().outputMode().name().toLowerCase(),
        effective);
    return new RunningPipeline(spec, gold, quarantine);
  }

  /**
   * Refuses to start the pipeline when its gold or quarantine table was written by a streaming
   * query other than the one of the checkpoint it would start from (see {@link StreamOwnership}): a
   * lost or moved checkpoint, a renamed pipeline. {@link #start} checks it; a command starting
   * several pipelines checks them all first, so that nothing starts when one is refused.
   *
   * @throws StreamOwnership.ForeignTableException naming the table, the checkpoint and the way out
   */
  public void refuseForeignTables(PipelineSpec spec) {
    String gold = config.checkpointPath(spec, GOLD_QUERY);
    // A sliced pipeline's one query writes the quarantine too; otherwise it has a query of its own.
    String quarantine =
        analysis(spec).sliced() ? gold : config.checkpointPath(spec, QUARANTINE_QUERY);
    Set<String> retired = PipelineReset.startOf(spark, config, spec).retired();
    StreamOwnership.refuseForeignTable(
        spark,
        "the gold table of pipeline " + spec.name(),
        config.tablePath(spec),
        gold,
        retired,
        wayOut(spec, "gold table (or delete it, or point sink.path at a new path)"));
    StreamOwnership.refuseForeignTable(
        spark,
        "the quarantine table of pipeline " + spec.name(),
        config.quarantinePath(spec),
        quarantine,
        retired,
        wayOut(spec, "quarantine table (or delete it)"));
  }

  private static String wayOut(PipelineSpec spec, String table) {
    return "If the checkpoint was moved (tidemark.checkpoints, a renamed pipeline), restore it."
        + " Otherwise run `tidemark reset -p "
        + spec.name()
        + "`: it moves the checkpoints aside, rebuilds gold from bronze and lets the stream resume"
        + " where bronze ends. Without bronze, move the "
        + table
        + " aside and stream again; `tidemark backfill -p "
        + spec.name()
        + "` rebuilds the gold rows of the history that Kafka or bronze still has (README,"
        + " Semantics: lost checkpoints).";
  }

  /**
   * Enrichment joins run on the sliced path only ({@code validate} says so first: this guards the
   * runners' own callers).
   */
  static void refuseDimensionsWithout(PipelineSpec spec, SlicedAggregation.Analysis sliced) {
    if (!spec.dimensions().isEmpty() && !sliced.sliced()) {
      throw new IllegalArgumentException(
          "pipeline "
              + spec.name()
              + " has dimensions, which need the sliced form of its SQL: "
              + sliced.notSlicedBecause());
    }
  }

  private SlicedAggregation.Analysis analysis(PipelineSpec spec) {
    return analyses.computeIfAbsent(spec, s -> SlicedAggregation.analyze(spark, s));
  }

  private StreamTarget goldTarget(PipelineSpec spec, TriggerSpec trigger) {
    return new StreamTarget(
        spec.name() + "-" + GOLD_QUERY,
        config.tablePath(spec),
        config.checkpointPath(spec, GOLD_QUERY),
        trigger,
        spec.sink().keys(),
        spec.sink().partitionBy(),
        spec.window() == null ? null : spec.window().startColumn());
  }

  private void warnOfHeldWindows(PipelineSpec spec) {
    StreamCheckpoint.heldWindows(
            spark.sparkContext().hadoopConfiguration(), config.checkpointPath(spec, GOLD_QUERY))
        .ifPresent(
            held ->
                LOG.warn(
                    "pipeline {}: the last run stopped before writing the windows ending {}by {}"
                        + " (closed by its watermark, kept in the state store); Spark writes them"
                        + " with the next micro-batch that has data, not before",
                    spec.name(),
                    held.emittedUpTo().equals(Instant.EPOCH)
                        ? ""
                        : "after " + held.emittedUpTo() + " and ",
                    held.closedUpTo()));
  }
}
