package dev.tidemark.s3;

import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.SparkSessionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer of {@link ConcurrentWritersIT}: a driver of its own, configured from the shipped
 * conf/s3-local.conf (endpoint and credentials from the environment), that appends {@code commits}
 * small commits to one Delta table on s3a:// as fast as it can. It prepares its session, prints
 * {@code READY}, waits for the go file so that the writers start together, then appends rows tagged
 * (writer, seq, part) and prints one summary line: {@code RESULT writer=W attempted=N committed=C
 * failed=F millis=T seqs=S}, S the commit numbers whose append returned, comma-separated.
 *
 * <p>Arguments: table, writer name, commits, go file, and optionally the LogStore class for s3a
 * (overrides the configured one).
 */
public final class ConcurrentAppender {
  static final int ROWS_PER_COMMIT = 2;
  static final StructType SCHEMA =
      new StructType()
          .add("writer", DataTypes.StringType, false)
          .add("seq", DataTypes.IntegerType, false)
          .add("part", DataTypes.IntegerType, false);
  private static final Logger LOG = LoggerFactory.getLogger(ConcurrentAppender.class);

  private ConcurrentAppender() {}

  public static void main(String[] args) throws Exception {
    String table = args[0];
    String writer = args[1];
    int commits = Integer.parseInt(args[2]);
    Path go = Path.of(args[3]);
    Map<String, String> overrides = new HashMap<>();
    overrides.put("tidemark.spark.\"spark.master\"", "local[1]");
    if (args.length > 4) {
      overrides.put("tidemark.spark.\"spark.delta.logStore.s3a.impl\"", args[4]);
    }
    TidemarkConfig config = ConfigLoader.load(Path.of("conf/s3-local.conf"), overrides);
    SparkSession spark = SparkSessionFactory.create(config, "concurrent-appender-" + writer);
    LOG.info(
        "writer {} uses LogStore {} for s3a",
        writer,
        spark.sparkContext().getConf().get("spark.delta.logStore.s3a.impl"));
    spark.read().format("delta").load(table).count(); // warm up: classes loaded, log read once

    System.out.println("READY " + writer);
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(go)) {
      if (System.nanoTime() > giveUp) {
        throw new IllegalStateException("no go file " + go + " after 10 minutes");
      }
      Thread.sleep(5);
    }
    long started = System.nanoTime();
    int committed = 0;
    int failed = 0;
    List<String> committedSeqs = new ArrayList<>();
    for (int seq = 0; seq < commits; seq++) {
      List<Row> rows = new ArrayList<>();
      for (int part = 0; part < ROWS_PER_COMMIT; part++) {
        rows.add(RowFactory.create(writer, seq, part));
      }
      try {
        spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("append").save(table);
        committed++;
        committedSeqs.add(Integer.toString(seq));
      } catch (Exception e) {
        failed++;
        LOG.warn("writer {} commit {} failed: {}", writer, seq, e.toString());
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "RESULT writer=%s attempted=%d committed=%d failed=%d millis=%d seqs=%s%n",
        writer, commits, committed, failed, millis, String.join(",", committedSeqs));
    spark.stop();
  }
}
