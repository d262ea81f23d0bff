package dev.tidemark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.ops.BronzeStatus;
import dev.tidemark.ops.DimensionStatus;
import dev.tidemark.ops.PipelineStatus;
import dev.tidemark.ops.StatusReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "status",
    description = {
      "Show each pipeline's health from the lake: last batch, rate, watermark and event-time lag,"
          + " Kafka records behind, table version, files and size, checkpoint, quarantined and"
          + " late counts, and warnings (e.g. state that keeps growing).",
      "Reads the metrics table (LAKE/_metrics/streaming) and the tables with Delta Kernel; needs"
          + " no running stream and starts no Spark.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark status",
      "  tidemark status --json | jq '.[].lag_seconds'"
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "NAME",
      description = "Pipeline to show (repeatable). Default: all.")
  List<String> pipelines = new ArrayList<>();

  @Option(names = "--json", description = "Print JSON for scripts instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    // The pipelines' SQL is not parsed: status reads only the lake (validate checks the SQL).
    TidemarkConfig config = conf.loadWithoutSql();
    StatusReader reader = new StatusReader(config); // Delta Kernel: no Spark, answers in seconds
    List<PipelineStatus> statuses = new ArrayList<>();
    for (PipelineSpec spec : config.select(pipelines)) {
      statuses.add(reader.read(spec));
    }
    if (json) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (PipelineStatus s : statuses) {
        out.add(asMap(s));
      }
      output
          .out()
          .println(
              new ObjectMapper()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(out));
    } else {
      statuses.forEach(s -> output.out().print(render(s)));
    }
    output.out().flush();
    return 0;
  }

  static Map<String, Object> asMap(PipelineStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pipeline", s.pipeline());
    m.put("table", s.table());
    m.put("table_path", s.tablePath());
    m.put("source", s.source());
    m.put("table_version", s.tableVersion());
    m.put("files", s.files());
    m.put("size_bytes", s.sizeBytes());
    m.put("average_file_bytes", s.averageFileBytes());
    m.put("checkpoint", s.checkpoint());
    m.put("last_batch_time", s.lastBatchTime() == null ? null : s.lastBatchTime().toString());
    m.put("batches", s.batches());
    m.put("rows_per_second", s.rowsPerSecond());
    m.put("watermark", s.watermark() == null ? null : s.watermark().toString());
    m.put("lag_seconds", s.lagSeconds());
    m.put("kafka_offsets_behind", s.offsetsBehind());
    m.put("state_rows", s.stateRows());
    m.put("quarantined", s.quarantined());
    m.put("late_dropped", s.lateDropped());
    List<Map<String, Object>> bronze = new ArrayList<>();
    for (BronzeStatus z : s.bronze()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("topic", z.topic());
      t.put("path", z.path());
      t.put("table_version", z.tableVersion());
      t.put("size_bytes", z.sizeBytes());
      t.put("records", z.records());
      t.put("last_batch_time", z.lastBatchTime() == null ? null : z.lastBatchTime().toString());
      t.put("kafka_offsets_behind", z.offsetsBehind());
      bronze.add(t);
    }
    m.put("bronze", bronze);
    List<Map<String, Object>> dimensions = new ArrayList<>();
    for (DimensionStatus d : s.dimensions()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", d.name());
      t.put("path", d.path());
      t.put("key", d.key());
      t.put("table_version", d.tableVersion());
      t.put("rows", d.rows());
      dimensions.add(t);
    }
    m.put("dimensions", dimensions);
    m.put("warnings", s.warnings());
    return m;
  }

  static String render(PipelineStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n%s -> %s%n", s.pipeline(), s.table()));
    b.append(
        String.format(
            "  last batch   %s  (%s batches recorded)%n",
            orDash(s.lastBatchTime()), orDash(s.batches())));
    b.append(
        String.format(
            "  rate         %s rows/s (last batch with input)   kafka behind %s records%n",
            s.rowsPerSecond() == null ? "-" : String.format("%.0f", s.rowsPerSecond()),
            orDash(s.offsetsBehind())));
    b.append(
        String.format(
            "  watermark    %s  (event-time lag %s)%n",
            orDash(s.watermark()), s.lagSeconds() == null ? "-" : humanSeconds(s.lagSeconds())));
    b.append(
        String.format(
            "  table        version %s, %s files, %s, avg file %s%n",
            orDash(s.tableVersion()),
            orDash(s.files()),
            bytes(s.sizeBytes()),
            bytes(s.averageFileBytes())));
    b.append(String.format("  state rows   %s%n", orDash(s.stateRows())));
    b.append(
        String.format("  quarantined  %d   late dropped %d%n", s.quarantined(), s.lateDropped()));
    b.append(String.format("  source       %s%n", s.source()));
    b.append(String.format("  location     %s%n", s.tablePath()));
    b.append(String.format("  checkpoint   %s%n", s.checkpoint()));
    for (BronzeStatus z : s.bronze()) {
      b.append(
          z.records() == null
              ? String.format("  bronze       %s: no table yet at %s%n", z.topic(), z.path())
              : String.format(
                  "  bronze       %s: %,d records, %s, version %d, last ingest %s, kafka behind"
                      + " %s records%n",
                  z.topic(),
                  z.records(),
                  bytes(z.sizeBytes()),
                  z.tableVersion(),
                  orDash(z.lastBatchTime()),
                  orDash(z.offsetsBehind())));
    }
    for (DimensionStatus d : s.dimensions()) {
      b.append(
          d.tableVersion() == null
              ? String.format("  dimension    %s: no table at %s%n", d.name(), d.path())
              : String.format(
                  "  dimension    %s: %s on %s, version %d, %,d rows (joined as of each event's"
                      + " time)%n",
                  d.name(), d.path(), d.key(), d.tableVersion(), d.rows()));
    }
    for (String w : s.warnings()) {
      b.append(String.format("  WARNING      %s%n", w));
    }
    return b.toString();
  }

  private static String orDash(Object o) {
    return o == null ? "-" : o.toString();
  }

  private static String humanSeconds(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh %02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + " s";
  }

  private static String bytes(Long n) {
    if (n == null) {
      return "-";
    }
    if (n >= 1 << 20) {
      return String.format("%.1f MiB", n / 1048576.0);
    }
    return n >= 1 << 10 ? String.format("%.1f KiB", n / 1024.0) : n + " B";
  }
}
