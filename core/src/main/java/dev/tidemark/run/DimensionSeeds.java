package dev.tidemark.run;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.DimensionSeed;
import dev.tidemark.pipeline.EventDecoder;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IO edge of dimension seeds ({@link DimensionSeed}): before a pipeline runs, each of its
 * dimensions that names a seed and has no table yet gets one, version 0, holding the seed's rows. A
 * table that exists is left as it is, whatever the seed says: the table is the truth.
 */
public final class DimensionSeeds {
  private static final Logger LOG = LoggerFactory.getLogger(DimensionSeeds.class);

  private DimensionSeeds() {}

  /** Creates the missing seeded dimension tables of {@code pipelines}; returns their paths. */
  public static List<String> createMissing(
      SparkSession spark, TidemarkConfig config, List<PipelineSpec> pipelines) {
    List<String> created = new ArrayList<>();
    for (PipelineSpec p : pipelines) {
      for (DimensionSpec d : p.dimensions()) {
        String path = config.dimensionPath(d);
        if (d.seed().isEmpty() || created.contains(path) || DeltaTable.isDeltaTable(spark, path)) {
          continue;
        }
        try {
          rows(spark, p, d).coalesce(1).write().format("delta").mode("errorifexists").save(path);
        } catch (RuntimeException e) { // another process may have created it meanwhile
          if (!DeltaTable.isDeltaTable(spark, path)) {
            throw e;
          }
          continue;
        }
        LOG.info("dimension {}: created {} from the seed {}", d.name(), path, d.seed().get());
        created.add(path);
      }
    }
    return created;
  }

  /** The seed of {@code dimension} (which has one) of {@code spec}, as the table it creates. */
  static Dataset<Row> rows(SparkSession spark, PipelineSpec spec, DimensionSpec dimension) {
    var schema = DimensionSeed.schema(dimension, EventDecoder.of(spec).eventSchema());
    return spark.createDataFrame(DimensionSeed.read(dimension.seed().get(), schema), schema);
  }
}
