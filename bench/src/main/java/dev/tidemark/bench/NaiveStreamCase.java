package dev.tidemark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import dev.tidemark.config.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.StructType;

/**
 * The naive baseline: the pipeline's SQL as a plain hand-written Structured Streaming job, the way
 * a user writes it first: Spark's defaults (200 shuffle partitions, the HDFS-backed state store,
 * Delta's default snapshot parallelism, the default trigger, no batch size limit), from_json with
 * the schema, the same watermark, Delta sink in append mode. Runs in a separate session of the same
 * Spark context so none of Tidemark's settings leak in. Fails unless it read every loaded record
 * and wrote rows.
 */
final class NaiveStreamCase implements BenchCase {
  static final String HDFS_STATE_STORE =
      "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";

  private final BenchContext ctx;

  NaiveStreamCase(BenchContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String id() {
    return "naive-stream-append";
  }

  @Override
  public String label() {
    return "naive baseline: plain Spark job, defaults, append mode";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) throws Exception {
    String name = id() + "-" + run;
    Path dir = ctx.workDir().resolve(name);
    ctx.clean(name);
    Files.createDirectories(dir);
    SparkSession naive = ctx.spark().newSession();
    naive.conf().set("spark.sql.shuffle.partitions", "200");
    naive.conf().set("spark.sql.streaming.stateStore.providerClass", HDFS_STATE_STORE);
    naive.conf().unset("spark.databricks.delta.snapshotPartitions");
    PipelineSpec spec = ctx.spec();
    try {
      meter.begin();
      Dataset<Row> raw =
          naive
              .readStream()
              .format("kafka")
              .option("kafka.bootstrap.servers", ctx.base().bootstrapServers())
              .option("subscribe", ctx.topic())
              .option("startingOffsets", "earliest")
              .load();
      StructType schema = StructType.fromDDL(spec.source().schemaDdl());
      raw.select(from_json(col("value").cast("string"), schema).as("e"))
          .select("e.*")
          .withWatermark(
              spec.source().eventTimeColumn(),
              spec.source().watermarkDelay().toMinutes() + " minutes")
          .createOrReplaceTempView("events");
      StreamingQuery query =
          naive
              .sql(spec.sql())
              .writeStream()
              .format("delta")
              .outputMode("append")
              .option("checkpointLocation", dir.resolve("checkpoint").toString())
              .start(dir.resolve("table").toString());
      query.processAllAvailable();
      query.stop();
      meter.end();
      long read = QueryStats.inputRows(query);
      if (read != ctx.events()) {
        throw new IllegalStateException(
            id() + " read " + read + " records of the " + ctx.events() + " loaded");
      }
      long rows = naive.read().format("delta").load(dir.resolve("table").toString()).count();
      if (rows == 0) {
        throw new IllegalStateException(id() + " wrote no rows");
      }
      return QueryStats.state(query);
    } finally {
      ctx.clean(name);
    }
  }
}
