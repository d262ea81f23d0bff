package dev.tidemark.sink;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Creates a pipeline's Delta table, empty, with its schema and partitioning, if it is missing. */
public final class DeltaTableInit {
  private DeltaTableInit() {}

  public static void ensure(
      SparkSession spark, String path, StructType schema, List<String> partitionBy) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      return;
    }
    DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(schema)
        .partitionedBy(partitionBy.toArray(String[]::new))
        .execute();
  }
}
