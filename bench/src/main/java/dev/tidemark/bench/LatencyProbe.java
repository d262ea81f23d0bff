package dev.tidemark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.StreamRunner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-to-visible latency: runs the pipeline as a stream in update mode with a processing-time
 * trigger on a fresh topic, has the data process send events at a steady rate, and computes for
 * every event the time from its Kafka record timestamp (set when it was sent) to the end of the
 * micro-batch that read it, i.e. the moment its gold write had committed and its window rows were
 * visible to readers of the Delta table. Batches are matched to events by the Kafka offset ranges
 * in the query's progress reports; the end of a batch is its start plus its trigger execution time.
 */
final class LatencyProbe {
  private static final Logger LOG = LoggerFactory.getLogger(LatencyProbe.class);
  private static final Pattern OFFSET = Pattern.compile("\"(\\d+)\"\\s*:\\s*(\\d+)");

  private final BenchContext ctx;
  private final DataProcessClient data;
  private final BenchSettings settings;

  LatencyProbe(BenchContext ctx, DataProcessClient data, BenchSettings settings) {
    this.ctx = ctx;
    this.data = data;
    this.settings = settings;
  }

  LatencyResult run() throws Exception {
    String topic = ctx.topic() + "-latency";
    data.rate(topic, settings.partitions(), 1, 0, 7); // creates the topic, sends nothing
    TidemarkConfig config = ctx.configFor("latency");
    PipelineSpec spec = onTopic(ctx.spec(config), topic);
    TriggerSpec trigger = TriggerSpec.every(settings.latencyTrigger());
    try (PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-bench", List.of(spec))) {
      RunningPipeline running = new StreamRunner(runtime.spark(), config).start(spec, trigger);
      StreamingQuery gold = running.gold();
      waitFor(() -> gold.recentProgress().length > 0, 300_000, "the first micro-batch");
      LOG.info(
          "latency: sending {} events/s for {} s, trigger {}",
          settings.latencyRate(),
          settings.latencySeconds(),
          trigger);
      long sent =
          data.rate(
              topic, settings.partitions(), settings.latencyRate(), settings.latencySeconds(), 11);
      waitFor(() -> QueryStats.inputRows(gold) >= sent, 600_000, "the stream to catch up");
      running.stop();
      return measure(topic, gold, sent, trigger);
    } finally {
      ctx.clean("latency");
    }
  }

  private LatencyResult measure(String topic, StreamingQuery gold, long sent, TriggerSpec trigger) {
    List<Row> ranges = new ArrayList<>();
    long batches = 0;
    for (StreamingQueryProgress p : gold.recentProgress()) {
      if (p.numInputRows() == 0) {
        continue;
      }
      batches++;
      long visibleAt =
          Instant.parse(p.timestamp()).toEpochMilli()
              + p.durationMs().getOrDefault("triggerExecution", 0L);
      SourceProgress source = p.sources()[0];
      Map<Integer, Long> start = offsets(source.startOffset());
      Map<Integer, Long> end = offsets(source.endOffset());
      for (Map.Entry<Integer, Long> e : end.entrySet()) {
        long from = start.getOrDefault(e.getKey(), 0L);
        if (e.getValue() > from) {
          ranges.add(RowFactory.create(e.getKey(), from, e.getValue(), visibleAt));
        }
      }
    }
    StructType schema =
        new StructType()
            .add("p", DataTypes.IntegerType)
            .add("from_offset", DataTypes.LongType)
            .add("to_offset", DataTypes.LongType)
            .add("visible_ms", DataTypes.LongType);
    Dataset<Row> batchRanges = ctx.spark().createDataFrame(ranges, schema);
    Dataset<Row> records =
        ctx.spark()
            .read()
            .format("kafka")
            .option("kafka.bootstrap.servers", ctx.base().bootstrapServers())
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .option("endingOffsets", "latest")
            .load()
            .select(col("partition"), col("offset"), expr("unix_millis(timestamp)").as("sent_ms"));
    Row r =
        records
            .join(
                batchRanges,
                col("partition")
                    .equalTo(col("p"))
                    .and(col("offset").geq(col("from_offset")))
                    .and(col("offset").lt(col("to_offset"))))
            .select(((col("visible_ms").minus(col("sent_ms"))).divide(1000.0)).as("latency"))
            .agg(
                expr("count(*)"),
                expr("percentile(latency, 0.5)"),
                expr("percentile(latency, 0.95)"),
                expr("percentile(latency, 0.99)"),
                expr("max(latency)"))
            .first();
    long matched = r.getLong(0);
    if (matched != sent) {
      throw new IllegalStateException(
          "latency: matched " + matched + " of " + sent + " sent events to micro-batches");
    }
    return new LatencyResult(
        settings.latencyRate(),
        settings.latencySeconds(),
        trigger.toString(),
        matched,
        batches,
        r.getDouble(1),
        r.getDouble(2),
        r.getDouble(3),
        r.getDouble(4));
  }

  /** Partition → offset from a Kafka source offset JSON ({@code {"topic":{"0":12,"1":34}}}). */
  static Map<Integer, Long> offsets(String json) {
    Map<Integer, Long> m = new HashMap<>();
    if (json == null) {
      return m;
    }
    Matcher matcher = OFFSET.matcher(json);
    while (matcher.find()) {
      m.put(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }
    return m;
  }

  private static PipelineSpec onTopic(PipelineSpec spec, String topic) {
    return spec.withSource(spec.source().withTopics(List.of(topic)))
        .withSink(spec.sink().withOutputMode(OutputMode.UPDATE));
  }

  private static void waitFor(java.util.function.BooleanSupplier done, long timeoutMs, String what)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("latency: timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
