package dev.tidemark.pipeline;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.DimensionSpec;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.QueryOnly;
import dev.tidemark.config.TidemarkConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnsupportedOperationChecker;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks a pipeline against Spark before anything runs: no Kafka, no data read or written. Each
 * check has a name that appears in its problem, so a user knows what failed:
 *
 * <ul>
 *   <li>{@code query-only}: Spark's parser reads the SQL as one query, with no command (DDL, DML,
 *       SET, CACHE, ...) anywhere in it; checked first, as analysing a command would run it;
 *   <li>{@code sql-analyzes}: the SQL resolves against the declared schema (Spark's analysis
 *       message is reported as is);
 *   <li>{@code streaming-supported}: Spark accepts the query as a stream in the declared output
 *       mode (e.g. no exact COUNT(DISTINCT), append needs a watermark on the window);
 *   <li>{@code window-start-column}: the result has the declared window start, a TIMESTAMP;
 *   <li>{@code keys-in-result}, {@code partition-columns-in-result}: declared sink columns exist;
 *   <li>{@code expectations}: each expectation parses as a boolean SQL condition over the event
 *       columns (no aggregates); the problem names the key {@code expectations.NAME}.
 *   <li>{@code dimensions}: each dimension's key columns are event columns, its columns are new and
 *       orderable, and (given the lake) its table exists and has them all, or, when it does not
 *       exist yet, its seed's rows fit them ({@link DimensionSeed}); {@code enrichment-join}: a
 *       pipeline with dimensions has a sliced form (the only path that joins as of each event's
 *       time, see {@link AsOfJoin}).
 *   <li>{@code upstream-columns}: for a pipeline that reads a pipeline ({@code source.pipeline}),
 *       each column of {@code source.schema} is a column of the upstream's result, of that type;
 *       {@code kafka-metadata}: such a pipeline's SQL and expectations do not name {@code _kafka}
 *       (its rows are an upstream's results, read from a Delta table, not Kafka records).
 * </ul>
 */
public final class PipelineValidator {
  private final SparkSession spark;
  private final String lake;
  private final List<PipelineSpec> all;

  /** Checks everything but the dimension tables themselves and no pipeline against its upstream. */
  public PipelineValidator(SparkSession spark) {
    this(spark, null, List.of());
  }

  /**
   * Checks everything: each dimension table in the configuration's lake, and each pipeline reading
   * a pipeline of the configuration against that pipeline's result ({@code upstream-columns}).
   */
  public PipelineValidator(SparkSession spark, TidemarkConfig config) {
    this(spark, config.lake(), config.pipelines());
  }

  /**
   * @param lake the lake whose dimension tables are checked, or null for none
   * @param all the pipelines a pipeline reading a pipeline may read
   */
  public PipelineValidator(SparkSession spark, String lake, List<PipelineSpec> all) {
    this.spark = spark;
    this.lake = lake;
    this.all = all;
  }

  /** Validates every pipeline; throws one exception listing all problems found. */
  public void validateAll(List<PipelineSpec> pipelines) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (PipelineSpec p : pipelines) {
      problems.addAll(check(p));
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
  }

  /** The problems of one pipeline; empty when it is fine. */
  public List<ConfigProblem> check(PipelineSpec spec) {
    List<ConfigProblem> problems = new ArrayList<>();
    // Parsed, never run: spark.sql executes a command as soon as it is given one.
    Optional<String> notAQuery =
        QueryOnly.problem(
            ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().sqlParser(),
            spec.sql());
    if (notAQuery.isPresent()) {
      problems.add(
          new ConfigProblem(
              spec.file(),
              "[query-only] " + ConfigKeys.QUERY_SQL_FILE,
              spec.sqlFile().getFileName()
                  + " must hold one SELECT (or WITH ... SELECT) over the view events: "
                  + notAQuery.get()));
      return problems;
    }
    Optional<ConfigProblem> kafkaOfUpstream = kafkaMetadataOfUpstream(spec);
    if (kafkaOfUpstream.isPresent()) {
      problems.add(kafkaOfUpstream.get());
      return problems;
    }
    EventDecoder decoder = EventDecoder.of(spec);
    checkUpstreamColumns(spec, decoder.schema(), problems);
    checkExpectations(spec, decoder.eventSchema(), problems);
    problems.addAll(WindowDeclaration.check(spec));
    checkDimensions(spec, decoder.eventSchema(), problems);
    StructType events = AsOfJoin.eventSchema(spec, decoder.eventSchema());
    Dataset<Row> result;
    try {
      result = new PipelineQuery(spec).apply(emptyBatch(events));
    } catch (Exception e) { // AnalysisException is thrown undeclared from Scala
      problems.add(problem(spec, "sql-analyzes", String.valueOf(e.getMessage())));
      return problems;
    }
    StructType schema = result.schema();
    Set<String> columns = Set.of(schema.fieldNames());

    String start = spec.window().startColumn();
    StructField startField =
        Arrays.stream(schema.fields()).filter(f -> f.name().equals(start)).findFirst().orElse(null);
    if (startField == null) {
      problems.add(
          problem(
              spec,
              "window-start-column",
              "the result has no column '"
                  + start
                  + "' (query.window.start-column); select window.start AS "
                  + start
                  + "; result columns: "
                  + List.of(schema.fieldNames())));
    } else if (!startField.dataType().equals(DataTypes.TimestampType)) {
      problems.add(problem(spec, "window-start-column", "'" + start + "' must be a TIMESTAMP"));
    }
    for (String key : spec.sink().keys()) {
      if (!columns.contains(key)) {
        problems.add(
            problem(
                spec,
                "keys-in-result",
                ConfigKeys.SINK_KEYS + " names '" + key + "', which the SQL does not select"));
      }
    }
    for (String part : spec.sink().partitionBy()) {
      if (!columns.contains(part)) {
        problems.add(
            problem(
                spec,
                "partition-columns-in-result",
                ConfigKeys.SINK_PARTITION_BY
                    + " names '"
                    + part
                    + "', which the SQL does not select"));
      }
    }
    if (problems.isEmpty()) {
      checkStreaming(spec, events, problems);
    }
    if (problems.isEmpty() && !spec.dimensions().isEmpty()) {
      SlicedAggregation.Analysis sliced = SlicedAggregation.analyze(spark, spec);
      if (!sliced.sliced()) {
        problems.add(
            new ConfigProblem(
                spec.file(),
                "[enrichment-join] " + ConfigKeys.DIMENSIONS,
                "an enrichment join runs only on the sliced path (where the stream's micro-batches"
                    + " and the backfills join each event with the dimension as of its time),"
                    + " and this SQL has no sliced form: "
                    + sliced.notSlicedBecause()));
      }
    }
    return problems;
  }

  /** The {@code dimensions} of {@code spec} against the event columns and (given) the lake. */
  private void checkDimensions(
      PipelineSpec spec, StructType decoded, List<ConfigProblem> problems) {
    List<String> columns = new ArrayList<>(List.of(decoded.fieldNames()));
    for (DimensionSpec d : spec.dimensions()) {
      String keyKey = "[dimensions] " + ConfigKeys.dimensionKey(d.name(), ConfigKeys.DIMENSION_KEY);
      String schemaKey =
          "[dimensions] " + ConfigKeys.dimensionKey(d.name(), ConfigKeys.DIMENSION_SCHEMA);
      for (String k : d.key()) {
        if (!List.of(decoded.fieldNames()).contains(k)) {
          problems.add(
              new ConfigProblem(
                  spec.file(),
                  keyKey,
                  "'" + k + "' is not an event column " + List.of(decoded.fieldNames())));
        }
      }
      for (StructField f : d.columns().fields()) {
        if (columns.contains(f.name())) {
          problems.add(
              new ConfigProblem(
                  spec.file(),
                  schemaKey,
                  "'"
                      + f.name()
                      + "' is already a column of the events "
                      + columns
                      + "; a dimension adds new columns only"));
        } else if (!org.apache.spark.sql.catalyst.expressions.RowOrdering.isOrderable(
            f.dataType())) {
          problems.add(
              new ConfigProblem(
                  spec.file(),
                  schemaKey,
                  "'"
                      + f.name()
                      + "' is a "
                      + f.dataType().sql()
                      + ", which cannot be ordered: a key's rows are reduced to one by their"
                      + " greatest value"));
        }
        columns.add(f.name());
      }
      if (lake != null) {
        checkDimensionTable(spec, d, decoded, problems);
      }
    }
  }

  private void checkDimensionTable(
      PipelineSpec spec, DimensionSpec d, StructType decoded, List<ConfigProblem> problems) {
    String path = lake + "/" + d.path();
    String pathKey = "[dimensions] " + ConfigKeys.dimensionKey(d.name(), ConfigKeys.DIMENSION_PATH);
    StructType table;
    try {
      if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path) && d.seed().isPresent()) {
        // The first run creates the table from the seed: its rows must fit.
        if (List.of(decoded.fieldNames()).containsAll(d.key())) {
          try {
            DimensionSeed.read(d.seed().get(), DimensionSeed.schema(d, decoded));
          } catch (IllegalArgumentException e) {
            problems.add(
                new ConfigProblem(
                    spec.file(),
                    "[dimensions] " + ConfigKeys.dimensionKey(d.name(), ConfigKeys.DIMENSION_SEED),
                    e.getMessage()));
          }
        }
        return;
      }
      if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
        problems.add(
            new ConfigProblem(
                spec.file(),
                pathKey,
                "no Delta table at "
                    + path
                    + ": create the dimension table before the pipeline runs (README, Enrichment"
                    + " joins)"));
        return;
      }
      table = spark.read().format("delta").load(path).schema();
    } catch (Exception e) { // e.g. a file system Spark has no client for
      problems.add(
          new ConfigProblem(
              spec.file(),
              pathKey,
              "cannot read " + path + ": " + String.valueOf(e.getMessage()).split("\n")[0]));
      return;
    }
    List<String> have = List.of(table.fieldNames());
    List<String> missing = new ArrayList<>();
    d.key().stream().filter(k -> !have.contains(k)).forEach(missing::add);
    for (String c : d.columns().fieldNames()) {
      if (!have.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      problems.add(
          new ConfigProblem(
              spec.file(),
              pathKey,
              "the table at " + path + " has no column " + missing + "; its columns: " + have));
    }
  }

  private void checkStreaming(PipelineSpec spec, StructType events, List<ConfigProblem> problems) {
    // A never-started rate stream shaped like the events lets Spark's own streaming checks run.
    Column[] fields =
        Arrays.stream(events.fields())
            .map(f -> functions.lit(null).cast(f.dataType()).as(f.name()))
            .toArray(Column[]::new);
    Dataset<Row> stream = spark.readStream().format("rate").load().select(fields);
    try {
      Dataset<Row> result = new PipelineQuery(spec).apply(stream);
      UnsupportedOperationChecker.checkForStreaming(
          result.queryExecution().analyzed(),
          spec.sink().outputMode() == OutputMode.UPDATE
              ? org.apache.spark.sql.streaming.OutputMode.Update()
              : org.apache.spark.sql.streaming.OutputMode.Append());
    } catch (Exception e) {
      problems.add(
          problem(
              spec,
              "streaming-supported",
              "Spark cannot run this SQL as a stream in "
                  + spec.sink().outputMode().name().toLowerCase()
                  + " mode: "
                  + e.getMessage()));
    }
  }

  /**
   * The columns a pipeline reads from its upstream ({@code source.schema}) against the upstream's
   * result: present, and of the declared type. Nothing when the upstream is not known here or its
   * own SQL does not analyse (its own check reports that).
   */
  private void checkUpstreamColumns(
      PipelineSpec spec, StructType declared, List<ConfigProblem> problems) {
    Optional<PipelineSpec> upstream = dev.tidemark.config.PipelineChain.upstreamOf(all, spec);
    if (upstream.isEmpty()) {
      return;
    }
    StructType result;
    try {
      result =
          new PipelineQuery(upstream.get())
              .apply(emptyBatch(EventDecoder.of(upstream.get()).eventSchema()))
              .schema();
    } catch (Exception e) { // AnalysisException is thrown undeclared from Scala
      return;
    }
    for (StructField f : declared.fields()) {
      Optional<StructField> theirs =
          Arrays.stream(result.fields()).filter(r -> r.name().equals(f.name())).findFirst();
      String problem =
          theirs.isEmpty()
              ? "column '" + f.name() + "' is not a column of pipeline "
              : theirs.get().dataType().equals(f.dataType())
                  ? null
                  : "column '"
                      + f.name()
                      + "' is declared "
                      + f.dataType().sql()
                      + " but is "
                      + theirs.get().dataType().sql()
                      + " in pipeline ";
      if (problem != null) {
        problems.add(
            new ConfigProblem(
                spec.file(),
                "[upstream-columns] " + ConfigKeys.SOURCE_SCHEMA,
                problem
                    + upstream.get().name()
                    + "'s result "
                    + result.toDDL()
                    + " ("
                    + upstream.get().sqlFile().getFileName()
                    + ")"));
      }
    }
  }

  private void checkExpectations(
      PipelineSpec spec, StructType events, List<ConfigProblem> problems) {
    for (Map.Entry<String, String> e : spec.expectations().entrySet()) {
      try {
        // A filter is analysed eagerly: unknown columns, syntax, non-boolean and aggregates fail.
        emptyBatch(events).where(functions.expr(e.getValue()));
      } catch (Exception ex) { // ParseException and AnalysisException are thrown undeclared
        String message = String.valueOf(ex.getMessage());
        int nl = message.indexOf('\n');
        problems.add(
            new ConfigProblem(
                spec.file(),
                "[expectations] " + ConfigKeys.EXPECTATIONS + "." + e.getKey(),
                "\""
                    + e.getValue()
                    + "\" is not a boolean SQL condition over the event columns "
                    + List.of(events.fieldNames())
                    + ": "
                    + (nl < 0 ? message : message.substring(0, nl))));
      }
    }
  }

  private Dataset<Row> emptyBatch(StructType schema) {
    List<Row> none = List.of();
    return spark.createDataFrame(none, schema);
  }

  /**
   * A pipeline reading a pipeline's table has no Kafka record behind its rows, so {@code _kafka} in
   * its SQL or an expectation would be a column of nulls (or fail mid-run): refused, naming where
   * it is used and where the metadata is available instead.
   */
  private static Optional<ConfigProblem> kafkaMetadataOfUpstream(PipelineSpec spec) {
    if (!spec.source().fromPipeline() || !KafkaMetadata.usedBy(spec)) {
      return Optional.empty();
    }
    String where =
        KafkaMetadata.references(spec.sql())
            ? ConfigKeys.QUERY_SQL_FILE
            : spec.expectations().entrySet().stream()
                .filter(e -> KafkaMetadata.references(e.getValue()))
                .map(e -> ConfigKeys.EXPECTATIONS + "." + e.getKey())
                .findFirst()
                .orElseThrow();
    return Optional.of(
        new ConfigProblem(
            spec.file(),
            "[kafka-metadata] " + where,
            (where.equals(ConfigKeys.QUERY_SQL_FILE) ? spec.sqlFile().getFileName() : where)
                + " uses "
                + KafkaMetadata.COLUMN
                + ", but this pipeline reads the table of pipeline "
                + spec.source().pipeline()
                + " ("
                + ConfigKeys.SOURCE_PIPELINE
                + "), whose rows are not Kafka records: use "
                + KafkaMetadata.COLUMN
                + " in "
                + spec.source().pipeline()
                + "'s SQL and keep what you need as a column of its result"));
  }

  private static ConfigProblem problem(PipelineSpec spec, String check, String message) {
    return new ConfigProblem(
        spec.file(), "[" + check + "] " + spec.sqlFile().getFileName(), message);
  }
}
