package dev.tidemark.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import io.delta.tables.DeltaTable;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** A short, human summary of one pipeline's table: size, windows, hottest keys, location. */
public record TableSummary(
    PipelineSpec spec,
    String path,
    long rows,
    long windows,
    String firstWindow,
    String lastWindow,
    String metric,
    List<String> topKeys,
    long quarantined,
    long version) {

  public static TableSummary of(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    String path = config.tablePath(spec);
    Dataset<Row> table = spark.read().format("delta").load(path);
    String start = spec.window().startColumn();
    Row stats =
        table
            .agg(
                org.apache.spark.sql.functions.count("*"),
                countDistinct(col(start)),
                min(col(start)).cast("string"),
                max(col(start)).cast("string"))
            .first();
    String key = spec.sink().keys().get(0);
    String metric =
        Arrays.stream(table.schema().fields())
            .filter(f -> !spec.sink().keys().contains(f.name()))
            .filter(
                f ->
                    f.dataType().equals(DataTypes.LongType)
                        || f.dataType().equals(DataTypes.IntegerType))
            .map(StructField::name)
            .findFirst()
            .orElse(null);
    List<String> top =
        metric == null
            ? List.of()
            : table
                .groupBy(col(key))
                .agg(max(col(metric)).as("peak"))
                .orderBy(col("peak").desc())
                .limit(3)
                .collectAsList()
                .stream()
                .map(r -> r.get(0) + " (" + r.get(1) + ")")
                .toList();
    String quarantinePath = config.quarantinePath(spec);
    long quarantined =
        DeltaTable.isDeltaTable(spark, quarantinePath)
            ? spark.read().format("delta").load(quarantinePath).count()
            : 0;
    long version = DeltaTable.forPath(spark, path).history(1).first().getLong(0);
    return new TableSummary(
        spec,
        path,
        stats.getLong(0),
        stats.getLong(1),
        stats.getString(2),
        stats.getString(3),
        metric,
        top,
        quarantined,
        version);
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n== %s -> %s (%s mode)%n", spec.name(), spec.sink().table(), mode()));
    b.append(
        String.format(
            "   rows %d, windows %d, from %s to %s%n", rows, windows, firstWindow, lastWindow));
    if (metric != null) {
      b.append(
          String.format(
              "   top %s by peak %s: %s%n",
              spec.sink().keys().get(0),
              metric,
              topKeys.stream().collect(Collectors.joining(", "))));
    }
    b.append(String.format("   quarantined records: %d%n", quarantined));
    b.append(String.format("   table: %s (version %d)%n", path, version));
    if (spec.sink().outputMode() == OutputMode.APPEND) {
      b.append(
          "   note: append mode writes a window once the watermark passes its end; the newest"
              + " windows are still open\n"
              + "         and appear on a later run. Set sink.output-mode = update to see open"
              + " windows early.\n");
    }
    return b.toString();
  }

  private String mode() {
    return spec.sink().outputMode().name().toLowerCase();
  }
}
