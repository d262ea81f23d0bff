package dev.tidemark.flinkpeer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The Flink SQL peer of Tidemark's bench (issue 8): Tidemark's card-velocity query (per card,
 * 10-minute windows every minute on event time with a 5-minute watermark) as a Flink window TVF
 * over the Kafka topic read as a bounded source, in a local mini cluster, into a {@code blackhole}
 * or a {@code filesystem} (JSON files, partitioned by window date) sink; then exits.
 *
 * <p>Protocol on stdout (everything else goes to stderr): {@code FLINK_READY} once the environment
 * is set up, just before the query is planned and run, then one line {@code FLINK_RESULT rows=R
 * window_events=E files_rows=F job_ms=T}: R window rows emitted by the query, E the events counted
 * in the windows (sum of the rows' counts ÷ 10, the windows per event), F the rows found in the
 * committed output files (-1 for blackhole), T Flink's net job runtime. Exit code 0 on success.
 *
 * <p>Usage: {@code FlinkWindowJob BOOTSTRAP TOPIC blackhole|files [FOLDER] [--parallelism N]
 * [--checkpoint-seconds S]}.
 */
public final class FlinkWindowJob {
  /** HOP windows per event: size ÷ slide. */
  static final int WINDOWS_PER_EVENT = 10;

  private static final String ROWS = "rows";
  private static final String WINDOW_EVENTS = "window-events";

  private FlinkWindowJob() {}

  public static void main(String[] args) throws Exception {
    JobArgs a = JobArgs.parse(args);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(a.parallelism());
    // Committed output files need checkpoints (every 2 s by default; the last one is taken when
    // the input ends, so the interval bounds the wait for it). State: Flink's default heap backend.
    env.enableCheckpointing(a.checkpointSeconds() * 1000L);
    // To files, as Tidemark's checkpoints: the default (JobManager memory) refuses state over 5 MB,
    // which the window state passes at 1M events, and the job then never finishes.
    env.getCheckpointConfig()
        .setCheckpointStorage(
            java.nio.file.Files.createTempDirectory("tidemark-flink-checkpoints")
                .toUri()
                .toString());
    StreamTableEnvironment tables =
        StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
    tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
    tables.executeSql(sourceDdl(a.bootstrap(), a.topic()));
    tables.executeSql(VALID_EVENTS);
    System.out.println("FLINK_READY");
    System.out.flush();

    Table windows = tables.sqlQuery(QUERY);
    DataStream<Row> rows = tables.toDataStream(windows);
    DataStream<Row> counted = rows.map(new CountRows()).returns(rows.getType()).name("count-rows");
    Table out = tables.fromDataStream(counted);
    StreamStatementSet statements = tables.createStatementSet();
    statements.add(out.insertInto(sink(a, out)));
    statements.attachAsDataStream();
    JobExecutionResult result = env.execute("tidemark-flink-peer " + a.sink());

    long written = result.<Long>getAccumulatorResult(ROWS);
    long windowEvents = result.<Long>getAccumulatorResult(WINDOW_EVENTS) / WINDOWS_PER_EVENT;
    long filesRows = a.folder() == null ? -1 : committedLines(a.folder());
    System.out.println(
        new JobResult(written, windowEvents, filesRows, result.getNetRuntime()).line());
    System.out.flush();
  }

  /** The topic as a bounded table: from the earliest offsets to those at start. */
  static String sourceDdl(String bootstrap, String topic) {
    return String.format(
        Locale.ROOT,
        "CREATE TABLE events ("
            + " card_id STRING, merchant_id STRING, country STRING, amount DECIMAL(12, 2),"
            + " event_time TIMESTAMP_LTZ(3),"
            + " WATERMARK FOR event_time AS event_time - INTERVAL '5' MINUTE"
            + ") WITH ("
            + " 'connector' = 'kafka', 'topic' = '%s', 'properties.bootstrap.servers' = '%s',"
            + " 'properties.group.id' = 'tidemark-flink-peer',"
            + " 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
            + " 'format' = 'json', 'json.ignore-parse-errors' = 'true',"
            + " 'json.timestamp-format.standard' = 'ISO-8601')",
        topic,
        bootstrap);
  }

  /**
   * Tidemark's rejection rules that can apply to a record the JSON format parsed: a missing field
   * is null here (Tidemark rejects a null event time and a field of the wrong type, which the
   * format already dropped), and the pipeline's expectation {@code amount >= 0}.
   */
  static final String VALID_EVENTS =
      "CREATE TEMPORARY VIEW valid_events AS SELECT * FROM events"
          + " WHERE event_time IS NOT NULL AND amount >= 0";

  /**
   * conf/pipelines/card-velocity.sql as a window TVF: COUNT(DISTINCT) for size(collect_set), and
   * window_date as text (the filesystem sink names DATE partitions by their day number).
   */
  static final String QUERY =
      "SELECT card_id, window_start, window_end,"
          + " DATE_FORMAT(window_start, 'yyyy-MM-dd') AS window_date,"
          + " COUNT(*) AS txn_count,"
          + " SUM(amount) AS total_amount,"
          + " COUNT(DISTINCT merchant_id) AS distinct_merchants,"
          + " COUNT(DISTINCT country) AS distinct_countries,"
          + " (COUNT(*) >= 12 OR SUM(amount) >= 1500 OR COUNT(DISTINCT country) >= 4) AS flagged"
          + " FROM TABLE(HOP(TABLE valid_events, DESCRIPTOR(event_time),"
          + " INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))"
          + " GROUP BY card_id, window_start, window_end";

  private static TableDescriptor sink(JobArgs a, Table out) {
    Schema schema = Schema.newBuilder().fromResolvedSchema(out.getResolvedSchema()).build();
    if (a.folder() == null) {
      return TableDescriptor.forConnector("blackhole").schema(schema).build();
    }
    return TableDescriptor.forConnector("filesystem")
        .schema(schema)
        .option("path", a.folder().toUri().toString())
        .format("json")
        .partitionedBy("window_date")
        .build();
  }

  /** Lines in the committed (not hidden, not in-progress) files under the sink folder. */
  static long committedLines(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> !p.getFileName().toString().startsWith("_"))
          .mapToLong(FlinkWindowJob::lines)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts the window rows and the events in them, as job accumulators; passes rows through. */
  static final class CountRows extends RichMapFunction<Row, Row> {
    private final LongCounter rows = new LongCounter();
    private final LongCounter windowEvents = new LongCounter();

    @Override
    public void open(OpenContext context) {
      getRuntimeContext().addAccumulator(ROWS, rows);
      getRuntimeContext().addAccumulator(WINDOW_EVENTS, windowEvents);
    }

    @Override
    public Row map(Row row) {
      rows.add(1);
      windowEvents.add(row.<Long>getFieldAs("txn_count"));
      return row;
    }
  }
}
