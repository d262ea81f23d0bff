package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.Durations;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.WindowSpec;
import dev.tidemark.pipeline.AsOfJoin;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.PlanText;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.source.KafkaStreamSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;

/**
 * What {@code tidemark stream} would run for a pipeline, without running it: the decoded schema,
 * the plans Spark makes of the stream's transformation, its state and watermark, the output mode
 * and keys, and every table and checkpoint it touches. A dry action: it builds the queries and asks
 * Spark to plan them; it starts no query, reads no record, contacts no Kafka broker and writes
 * nothing (no table, checkpoint or lock is created).
 *
 * <p>A pipeline on Spark's stateful aggregation is explained as Spark explains a streaming query:
 * the optimized and physical plan of Kafka → decode → watermark → the SQL, with its state operators
 * ({@code StateStoreRestore}/{@code StateStoreSave}) and the {@code EventTimeWatermark}. (Spark's
 * explain of a stream that has not started plans it in append mode; the stream runs in the
 * pipeline's mode.) A sliced pipeline ({@link SlicedAggregation}) keeps no state in Spark: its
 * stream is Kafka → decode → watermark → {@code foreachBatch}, and each micro-batch runs the slice
 * query over its events and the roll-up over the slices; those two are planned as batch queries
 * over a stand-in for one micro-batch (an empty relation that the optimizer is told not to fold
 * away), so their plans are the ones a batch runs.
 */
public final class PipelineExplain {
  /** Optimizer rules that would fold a plan over the empty stand-in batch into nothing. */
  private static final String KEEP_EMPTY_PLANS =
      "org.apache.spark.sql.catalyst.optimizer.PropagateEmptyRelation,"
          + "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation";

  private final SparkSession spark;
  private final TidemarkConfig config;

  public PipelineExplain(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** A query's plans as Spark explains them. */
  public record Plans(String optimized, String physical) {}

  /**
   * The explanation of one pipeline.
   *
   * @param eventSchema the decoded events' schema (tree form), as the SQL sees the view events
   * @param watermark event-time column and delay, as declared
   * @param path "sliced" or "stateful", and why a pipeline is not sliced
   * @param stream the stream's own plans (Kafka to its sink)
   * @param stateOperators Spark's state operators of the stream's physical plan (none when sliced)
   * @param planWatermarks the EventTimeWatermark operators of the stream's optimized plan
   * @param sliceWidth the slice length of a sliced pipeline (gcd of size and slide), else null
   * @param slicesPerWindow how many slices a window is rolled up from, else 0
   * @param sliceSql the slice query (sliced only)
   * @param slicePlans the slice query's plans over one micro-batch (sliced only)
   * @param rollupSql the roll-up query (sliced only)
   * @param rollupPlans the roll-up's plans over the slices of a batch's windows (sliced only)
   * @param touches every table, checkpoint and lock the stream reads or writes, labelled
   */
  public record Explanation(
      PipelineSpec spec,
      String eventSchema,
      String watermark,
      String path,
      Plans stream,
      List<String> stateOperators,
      List<String> planWatermarks,
      String sliceWidth,
      long slicesPerWindow,
      String sliceSql,
      Plans slicePlans,
      String rollupSql,
      Plans rollupPlans,
      List<String> touches) {

    public boolean sliced() {
      return sliceSql != null;
    }
  }

  public Explanation explain(PipelineSpec spec) {
    EventDecoder decoder = EventDecoder.of(spec);
    // Defining a Kafka stream connects to nothing; only starting it would.
    Dataset<Row> raw = KafkaStreamSource.read(spark, config, spec);
    String watermark =
        spec.source().eventTimeColumn()
            + " minus "
            + Durations.describe(spec.source().watermarkDelay());
    SlicedAggregation.Analysis analysis = SlicedAggregation.analyze(spark, spec);
    Dataset<Row> stream;
    if (analysis.sliced()) {
      stream =
          decoder
              .decode(raw)
              .withWatermark(
                  spec.source().eventTimeColumn(),
                  spec.source().watermarkDelay().toMillis() + " milliseconds");
    } else {
      stream = PipelineFrames.over(raw, spec, config, PipelineFrames.EventFilter.ALL).result();
    }
    Plans streamPlans = plans(stream);
    String eventSchema =
        AsOfJoin.withNulls(spec, decoder.accepted(decoder.decode(raw)))
            .schema()
            .treeString()
            .strip();
    List<String> touches = touches(spec, analysis.sliced());
    if (!analysis.sliced()) {
      return new Explanation(
          spec,
          eventSchema,
          watermark,
          "stateful: Spark's stateful aggregation, with a separate quarantine query ("
              + analysis.notSlicedBecause()
              + ")",
          streamPlans,
          PlanText.stateOperators(streamPlans.physical()),
          PlanText.watermarks(streamPlans.optimized()),
          null,
          0,
          null,
          null,
          null,
          null,
          touches);
    }
    SlicedAggregation aggregation = analysis.aggregation();
    SparkSession batchSession = spark.newSession();
    batchSession.conf().set("spark.sql.optimizer.excludedRules", KEEP_EMPTY_PLANS);
    Dataset<Row> oneBatch = batchSession.createDataFrame(List.of(), raw.schema());
    // With the enrichment join each batch runs (the latest version of each dimension: the plan,
    // not the versions, is what this shows).
    Dataset<Row> slices =
        aggregation.slices(
            new DimensionTables(batchSession, config)
                .enrich(spec, decoder.accepted(decoder.decode(oneBatch)), Long.MAX_VALUE - 1));
    Dataset<Row> someSlices = batchSession.createDataFrame(List.of(), slices.schema());
    Dataset<Row> windows = aggregation.windows(someSlices, 0, aggregation.slideMillis());
    return new Explanation(
        spec,
        eventSchema,
        watermark,
        "sliced: one stateless query per pipeline, slices kept in a Delta table",
        streamPlans,
        PlanText.stateOperators(streamPlans.physical()),
        PlanText.watermarks(streamPlans.optimized()),
        Durations.describe(Duration.ofMillis(aggregation.sliceMillis())),
        aggregation.sizeMillis() / aggregation.sliceMillis(),
        aggregation.sliceSql(),
        plans(slices),
        aggregation.rollupSql(),
        plans(windows),
        touches);
  }

  private static Plans plans(Dataset<Row> frame) {
    // A frame from spark.sql keeps the parsed plan as its logical plan, which does not know it is
    // streaming, so Spark would explain it as a batch query; a projection over it starts from the
    // analysed plan, which does.
    String text =
        frame.select(col("*")).queryExecution().explainString(ExplainMode.fromString("extended"));
    return new Plans(
        PlanText.section(text, PlanText.OPTIMIZED), PlanText.section(text, PlanText.PHYSICAL));
  }

  /** The tables, checkpoints and locks a stream of the pipeline reads or writes. */
  private List<String> touches(PipelineSpec spec, boolean sliced) {
    List<String> t = new ArrayList<>();
    t.add("gold table " + spec.sink().table() + ": " + config.tablePath(spec));
    t.add("quarantine table: " + config.quarantinePath(spec));
    t.add("checkpoint: " + config.checkpointPath(spec, StreamRunner.GOLD_QUERY));
    if (sliced) {
      t.add(
          "slice table (the stream's state): " + config.checkpointPath(spec, StreamRunner.SLICES));
    } else {
      t.add("quarantine checkpoint: " + config.checkpointPath(spec, StreamRunner.QUARANTINE_QUERY));
    }
    if (spec.source().fromPipeline()) {
      t.add(
          "table of pipeline "
              + spec.source().pipeline()
              + " (read, its appends streamed): "
              + dev.tidemark.source.UpstreamTable.path(config, spec));
    }
    for (String topic : spec.source().topics()) {
      if (config.bronze().enabled()) {
        t.add(
            "bronze table of topic "
                + topic
                + ": "
                + config.bronzePath(topic)
                + " (checkpoint "
                + config.bronzeCheckpointPath(topic)
                + ")");
      }
    }
    for (DimensionSpec d : spec.dimensions()) {
      t.add(
          "dimension table "
              + d.name()
              + " (read, as of each event's time, joined on "
              + d.key()
              + "): "
              + config.dimensionPath(d)
              + (d.seed().isPresent()
                      && !io.delta.tables.DeltaTable.isDeltaTable(spark, config.dimensionPath(d))
                  ? " (no table yet: the first run creates it from the seed " + d.seed().get() + ")"
                  : ""));
    }
    t.add("metrics table: " + config.metricsPath());
    t.add("lake manifest (this pipeline's entry): " + LakeManifest.path(config, spec.name()));
    t.add("stream lock: " + LakeLayout.of(config).streamLock(spec.name()));
    return List.copyOf(t);
  }

  /** The window as declared, e.g. {@code sliding 10 minutes every 1 minute}. */
  public static String describe(WindowSpec w) {
    return switch (w.type()) {
      case TUMBLING -> "tumbling " + Durations.describe(w.size());
      case SLIDING ->
          "sliding " + Durations.describe(w.size()) + " every " + Durations.describe(w.slide());
      case SESSION -> "session, gap " + Durations.describe(w.size());
    };
  }
}
