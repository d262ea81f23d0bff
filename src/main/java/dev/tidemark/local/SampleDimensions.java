package dev.tidemark.local;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The dimension tables of the sample pipelines' enrichment joins, for the demo: {@code pages} (the
 * page-views generator's pages and their site sections). A sample dimension is written, as one
 * version, for each pipeline dimension of that name whose table does not exist yet.
 */
final class SampleDimensions {
  private static final String[] SECTIONS = {"phones", "laptops", "audio", "cameras", "accessories"};

  /** The generator's pages /products/0 .. /products/109 (of 120: ten are not listed). */
  private static final int LISTED_PAGES = 110;

  private record Sample(StructType schema, Supplier<List<Row>> rows) {}

  private static final Map<String, Sample> SAMPLES =
      Map.of(
          "pages",
          new Sample(
              StructType.fromDDL("page STRING, section STRING, title STRING"),
              SampleDimensions::pages));

  private SampleDimensions() {}

  /** Writes the missing sample dimension tables of {@code pipelines}; returns their paths. */
  static List<String> write(
      SparkSession spark, TidemarkConfig config, List<PipelineSpec> pipelines) {
    List<String> written = new ArrayList<>();
    for (PipelineSpec p : pipelines) {
      for (DimensionSpec d : p.dimensions()) {
        Sample sample = SAMPLES.get(d.name());
        String path = config.dimensionPath(d);
        if (sample == null
            || written.contains(path)
            || io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
          continue;
        }
        spark
            .createDataFrame(sample.rows().get(), sample.schema())
            .coalesce(1)
            .write()
            .format("delta")
            .save(path);
        written.add(path);
      }
    }
    return written;
  }

  private static List<Row> pages() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < LISTED_PAGES; i++) {
      rows.add(RowFactory.create("/products/" + i, SECTIONS[i % SECTIONS.length], "Product " + i));
    }
    return rows;
  }
}
