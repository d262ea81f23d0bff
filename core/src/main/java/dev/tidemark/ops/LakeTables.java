package dev.tidemark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.run.LakeFileSystem;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * The lake's Delta tables read with Delta Kernel: the table's log and Parquet files from plain
 * Java, through the lake's Hadoop file system (s3a included), without a SparkSession. Reads the
 * latest snapshot; the figures are those of {@code DESCRIBE DETAIL} and {@code count()}: deletion
 * vectors and column mapping are honoured. The one place {@code status} touches Delta.
 */
public final class LakeTables {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Engine engine;

  public LakeTables(Configuration hadoop) {
    this.engine = DefaultEngine.create(hadoop);
  }

  /** The lake of the configuration, with its {@code spark.hadoop.*} settings. */
  public static LakeTables of(TidemarkConfig config) {
    return new LakeTables(LakeFileSystem.hadoopConf(config));
  }

  /**
   * A table's latest version.
   *
   * @param files the data files of the version ({@code numFiles} of {@code DESCRIBE DETAIL})
   * @param sizeBytes their size ({@code sizeInBytes})
   * @param rows its rows, deleted ones excluded ({@code count()})
   */
  public record Facts(long version, long files, long sizeBytes, long rows) {}

  /**
   * The figures of the table at {@code path}, or empty when there is no Delta table there. Rows
   * come from the statistics Delta keeps for each file ({@code numRecords}, less the rows its
   * deletion vector removes); should a file have none, from counting the table's rows.
   */
  public Optional<Facts> facts(String path) {
    Optional<Snapshot> found = snapshot(path);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Snapshot snapshot = found.get();
    Scan scan = snapshot.getScanBuilder().build();
    long files = 0;
    long size = 0;
    long rows = 0;
    boolean everyFileCounted = true;
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> scanFiles = batches.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            files++;
            size += InternalScanFileUtils.getAddFileStatus(scanFile).getSize();
            Long n = liveRecords(scanFile);
            everyFileCounted &= n != null;
            rows += n == null ? 0 : n;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log of " + path, e);
    }
    if (!everyFileCounted) {
      rows = countRows(snapshot);
    }
    return Optional.of(new Facts(snapshot.getVersion(), files, size, rows));
  }

  /**
   * Hands every row of the table's latest version to {@code visitor} as the values of {@code
   * columns}, in that order: long, int, double, boolean and string as such, timestamps as {@link
   * Instant}, dates as {@link LocalDate}, nulls as null; a column the table does not have (an older
   * table) as null. Returns false, visiting nothing, when there is no Delta table at {@code path}.
   */
  public boolean forEachRow(String path, List<String> columns, Consumer<Object[]> visitor) {
    Optional<Snapshot> found = snapshot(path);
    if (found.isEmpty()) {
      return false;
    }
    StructType schema = found.get().getSchema();
    StructType read = new StructType();
    int[] at = new int[columns.size()]; // where each column is in the rows read; -1: not in table
    for (int i = 0; i < at.length; i++) {
      at[i] = schema.fieldNames().contains(columns.get(i)) ? read.length() : -1;
      if (at[i] >= 0) {
        read = read.add(schema.get(columns.get(i)));
      }
    }
    scan(
        found.get(),
        read,
        row -> {
          Object[] values = new Object[at.length];
          for (int i = 0; i < values.length; i++) {
            values[i] =
                at[i] < 0 ? null : value(row, at[i], row.getSchema().at(at[i]).getDataType());
          }
          visitor.accept(values);
        });
    return true;
  }

  private Optional<Snapshot> snapshot(String path) {
    try {
      return Optional.of(Table.forPath(engine, path).getLatestSnapshot(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The file's rows from its statistics, less those deleted; null when it has no statistics. */
  private static Long liveRecords(Row scanFile) {
    Row add = scanFile.getStruct(scanFile.getSchema().indexOf("add"));
    int stats = add.getSchema().indexOf("stats");
    if (stats < 0 || add.isNullAt(stats)) {
      return null;
    }
    JsonNode numRecords;
    try {
      numRecords = JSON.readTree(add.getString(stats)).get("numRecords");
    } catch (IOException e) {
      return null;
    }
    if (numRecords == null || !numRecords.canConvertToLong()) {
      return null;
    }
    DeletionVectorDescriptor dv =
        InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile);
    return numRecords.asLong() - (dv == null ? 0 : dv.getCardinality());
  }

  /** Counts the rows by reading one data column (deletion vectors applied). */
  private long countRows(Snapshot snapshot) {
    List<String> partitions = snapshot.getPartitionColumnNames();
    StructField column =
        snapshot.getSchema().fields().stream()
            .filter(f -> !partitions.contains(f.getName()))
            .findFirst()
            .orElse(snapshot.getSchema().at(0));
    long[] rows = {0};
    scan(snapshot, new StructType().add(column), row -> rows[0]++);
    return rows[0];
  }

  /** Reads the {@code read} columns of every live row of the snapshot. */
  private void scan(Snapshot snapshot, StructType read, Consumer<Row> visitor) {
    Scan scan = snapshot.getScanBuilder().withReadSchema(read).build();
    Row state = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> scanFiles = batches.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> data =
                engine
                    .getParquetHandler()
                    .readParquetFiles(
                        Utils.singletonCloseableIterator(file), physical, Optional.empty())
                    .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, state, scanFile, data)) {
              while (logical.hasNext()) {
                try (CloseableIterator<Row> rows = logical.next().getRows()) {
                  rows.forEachRemaining(visitor);
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta table at " + snapshot.getPath(), e);
    }
  }

  private static Object value(Row row, int i, DataType type) {
    if (row.isNullAt(i)) {
      return null;
    }
    if (type instanceof LongType) {
      return row.getLong(i);
    }
    if (type instanceof IntegerType) {
      return row.getInt(i);
    }
    if (type instanceof DoubleType) {
      return row.getDouble(i);
    }
    if (type instanceof BooleanType) {
      return row.getBoolean(i);
    }
    if (type instanceof StringType) {
      return row.getString(i);
    }
    if (type instanceof TimestampType) {
      return Instant.EPOCH.plus(row.getLong(i), ChronoUnit.MICROS);
    }
    if (type instanceof DateType) {
      return LocalDate.ofEpochDay(row.getInt(i));
    }
    throw new IllegalArgumentException(
        "column " + row.getSchema().at(i).getName() + " of type " + type + " is not read here");
  }
}
