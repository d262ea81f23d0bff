package dev.tidemark.run;

import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.AsOfJoin;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IO edge of enrichment joins ({@link AsOfJoin}): reads the commit history of a pipeline's
 * dimension tables and the versions in force over some events, and joins them. Every path of a
 * sliced pipeline (the stream's micro-batches, backfills, repairs, a reset's rebuild) enriches its
 * decoded events here, just before its slices, so they all join an event with the same version.
 *
 * <p>A version's validity starts at its commit timestamp as Delta's time travel sees it ({@code
 * DESCRIBE HISTORY}; made strictly increasing as {@code timestampAsOf} does) and ends at the next
 * version's. Only the versions whose validity ends after the earliest event time that can matter
 * (the first window a micro-batch can still change, the start of a backfill's events) are read:
 * usually the latest one or two. The history is read again for every batch, so a new version is
 * used by the next micro-batch. The oldest version the table's log lists is in force since ever:
 * events from before the table's first commit join it (after Delta's log cleanup, the oldest listed
 * is a later version, so a backfill of events older than the oldest version kept joins that one:
 * keep a dimension's log and files as long as the history you may backfill).
 */
public final class DimensionTables {
  private static final Logger LOG = LoggerFactory.getLogger(DimensionTables.class);

  private final SparkSession spark;
  private final TidemarkConfig config;

  public DimensionTables(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * {@code events} (decoded, good) enriched with every dimension of {@code spec} as of each event's
   * time; the events are at or after {@code fromMs} (epoch milliseconds). The identity for a
   * pipeline without dimensions.
   */
  public Dataset<Row> enrich(PipelineSpec spec, Dataset<Row> events, long fromMs) {
    Dataset<Row> out = events;
    for (DimensionSpec d : spec.dimensions()) {
      out = AsOfJoin.join(out, spec.source().eventTimeColumn(), d, versions(spec, d, fromMs));
    }
    return out;
  }

  /**
   * The versions of {@code dimension} in force at some time at or after {@code fromMs}. A seeded
   * dimension without a table yet (only {@code explain} reads it before the run creates it) is its
   * seed, as the version 0 the run will create.
   */
  List<AsOfJoin.Version> versions(PipelineSpec spec, DimensionSpec dimension, long fromMs) {
    String path = config.dimensionPath(dimension);
    if (dimension.seed().isPresent() && !DeltaTable.isDeltaTable(spark, path)) {
      return List.of(
          new AsOfJoin.Version(
              0, Long.MIN_VALUE, Long.MAX_VALUE, DimensionSeeds.rows(spark, spec, dimension)));
    }
    List<long[]> commits = commits(spark, path);
    List<AsOfJoin.Version> out = new ArrayList<>();
    for (int i = 0; i < commits.size(); i++) {
      long version = commits.get(i)[0];
      // The oldest version is taken as in force since ever: events from before the table was
      // created (a dimension added to a pipeline with history, the demo) join it, not nothing.
      long from = i == 0 ? Long.MIN_VALUE : commits.get(i)[1];
      long to = i + 1 < commits.size() ? commits.get(i + 1)[1] : Long.MAX_VALUE;
      if (to > fromMs) {
        out.add(new AsOfJoin.Version(version, from, to, read(dimension, path, version, fromMs)));
      }
    }
    LOG.debug(
        "dimension {} at {}: versions {} for events from {}",
        dimension.name(),
        path,
        out.stream().map(AsOfJoin.Version::version).toList(),
        fromMs);
    return out;
  }

  /**
   * One version of the table. Delta refuses to read a version older than the table's {@code
   * delta.deletedFileRetentionDuration} (VACUUM may have removed its files): the error then says
   * which events need it and how to keep it.
   */
  private Dataset<Row> read(DimensionSpec dimension, String path, long version, long fromMs) {
    try {
      return spark.read().format("delta").option("versionAsOf", version).load(path);
    } catch (RuntimeException e) { // AnalysisException is thrown undeclared from Scala
      throw new IllegalStateException(
          "dimension "
              + dimension.name()
              + ": cannot read version "
              + version
              + " of "
              + path
              + ", in force for events from "
              + java.time.Instant.ofEpochMilli(Math.max(fromMs, 0))
              + " on: "
              + String.valueOf(e.getMessage()).split("\\n")[0]
              + " To join events that old, keep the dimension's versions as long (e.g. ALTER TABLE"
              + " delta.`"
              + path
              + "` SET TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 90 days',"
              + " 'delta.logRetentionDuration' = 'interval 90 days'))",
          e);
    }
  }

  /**
   * The table's commits still in its log, oldest first, as {version, commit timestamp in epoch ms},
   * the timestamps made strictly increasing (as Delta's {@code timestampAsOf} does).
   */
  static List<long[]> commits(SparkSession spark, String path) {
    List<Row> history =
        DeltaTable.forPath(spark, path).history().select("version", "timestamp").collectAsList();
    List<long[]> out = new ArrayList<>();
    for (Row r : history) {
      out.add(new long[] {r.getLong(0), r.getTimestamp(1).getTime()});
    }
    out.sort(Comparator.comparingLong(c -> c[0]));
    for (int i = 1; i < out.size(); i++) {
      out.get(i)[1] = Math.max(out.get(i)[1], out.get(i - 1)[1] + 1);
    }
    return out;
  }
}
