package dev.tidemark.config;

import static dev.tidemark.config.ConfigKeys.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one pipeline file and its SQL file into a {@link PipelineSpec}, checking shape only: every
 * required key, durations, the SQL file and, with {@link PipelineChecks#FULL}, the schema DDL, the
 * event-time column and that the SQL is one query (Spark's parser, no session). Analysis of the SQL
 * against the schema needs a session and happens in {@code PipelineValidator}.
 */
final class PipelineFileReader {
  private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_TOPIC_LENGTH = 249;

  /** Folders of the lake root that hold Tidemark's own data; no result table may live there. */
  static final List<String> RESERVED_AREAS =
      List.of("bronze", "quarantine", "_checkpoints", "_metrics", "_tidemark");

  private PipelineFileReader() {}

  /**
   * Reads the pipeline, checked as far as {@code checks} says; problems found are added to {@code
   * problems}. Returns null if unusable.
   */
  static PipelineSpec read(Path file, PipelineChecks checks, List<ConfigProblem> problems) {
    Config config;
    try {
      config = ConfigFactory.parseFile(file.toFile(), RequiredIncluder.options()).resolve();
    } catch (ConfigException e) {
      problems.add(new ConfigProblem(file, "", "cannot parse: " + e.getMessage()));
      return null;
    }
    ConfigReader r = new ConfigReader(config, file);
    r.problems().addAll(UnknownKeys.find(config.root(), List.of(), PIPELINE_KEYS, file));
    String baseName = file.getFileName().toString().replaceFirst("\\.conf$", "");
    String name = r.string(NAME, baseName);
    if (name != null && !VALID_NAME.matcher(name).matches()) {
      r.problem(NAME, "'" + name + "' is not a valid name (lower case letters, digits, - and _)");
    }
    String description = r.string(DESCRIPTION, "");

    boolean parse = checks == PipelineChecks.FULL;
    SourceSpec source = readSource(r, baseName, parse);
    Path sqlFile = null;
    String sql = null;
    String sqlFileName = r.string(QUERY_SQL_FILE, baseName + ".sql");
    if (sqlFileName != null) {
      sqlFile = file.resolveSibling(sqlFileName).normalize();
      sql = readSql(r, sqlFile, parse);
    }
    WindowSpec window = readWindow(r);
    SinkSpec sink = readSink(r, name);
    String generator = r.string(DEMO_GENERATOR, "");
    if (generator != null && !generator.isEmpty() && source.fromPipeline()) {
      r.problem(
          DEMO_GENERATOR,
          "is not read with "
              + SOURCE_PIPELINE
              + ": the events come from pipeline '"
              + source.pipeline()
              + "', whose generator feeds both");
    } else if (generator != null && !generator.isEmpty() && source.hasPattern()) {
      r.problem(
          DEMO_GENERATOR,
          "needs "
              + SOURCE_TOPICS
              + ": the generator writes to the pipeline's first topic, and "
              + SOURCE_TOPIC_PATTERN
              + " names none");
    }
    Map<String, String> expectations = readExpectations(r);
    List<DimensionSpec> dimensions = readDimensions(r);

    if (sink != null && window != null && !sink.keys().contains(window.startColumn())) {
      r.problem(
          SINK_KEYS,
          "must include the window start column '"
              + window.startColumn()
              + "' so that each window is one row");
    }
    problems.addAll(r.problems());
    if (!r.problems().isEmpty()) {
      return null;
    }
    return PipelineSpec.builder(name)
        .description(description)
        .file(file)
        .source(source)
        .sql(sql)
        .sqlFile(sqlFile)
        .window(window)
        .sink(sink)
        .generator(generator)
        .expectations(expectations)
        .dimensions(dimensions)
        .build();
  }

  /**
   * Shape only (names, a lake-relative path, a key, a schema DDL); PipelineValidator checks each
   * against its table and the event columns.
   */
  private static List<DimensionSpec> readDimensions(ConfigReader r) {
    if (!r.has(DIMENSIONS)) {
      return List.of();
    }
    ConfigObject all = r.object(DIMENSIONS);
    if (all == null) {
      return List.of();
    }
    List<DimensionSpec> out = new ArrayList<>();
    for (String name : new TreeSet<>(all.keySet())) {
      String at = DIMENSIONS + "." + name;
      if (!VALID_NAME.matcher(name).matches()) {
        r.problem(at, "'" + name + "' is not a valid name (lower case letters, digits, - and _)");
        continue;
      }
      if (!(all.get(name) instanceof ConfigObject block)) {
        r.problem(
            at,
            "must be a block: "
                + name
                + " { path = \"dim/"
                + name
                + "\", key = [COLUMN], schema = \"COLUMN TYPE, ...\" }");
        continue;
      }
      r.problems()
          .addAll(
              UnknownKeys.find(
                  block,
                  List.of(DIMENSIONS, name),
                  DIMENSION_KEYS.stream().map(k -> dimensionKey(name, k)).toList(),
                  r.file()));
      String pathKey = dimensionKey(name, DIMENSION_PATH);
      String path = r.string(pathKey);
      if (path != null && (path.startsWith("/") || path.contains("..") || path.contains(":"))) {
        r.problem(pathKey, "must be relative to the lake root, without '..': " + path);
        path = null;
      } else if (path != null && normalizePath(path).isEmpty()) {
        r.problem(
            pathKey, "'" + path + "' is the lake root itself; name a table, e.g. dim/" + name);
        path = null;
      } else if (path != null && RESERVED_AREAS.contains(normalizePath(path).split("/")[0])) {
        r.problem(
            pathKey,
            "'"
                + path
                + "' is inside an area Tidemark keeps for itself "
                + RESERVED_AREAS
                + "; use e.g. dim/"
                + name);
        path = null;
      }
      String keyKey = dimensionKey(name, DIMENSION_KEY);
      List<String> key = r.strings(keyKey, List.of());
      if (key.isEmpty()) {
        r.problem(
            keyKey,
            "is required: the event columns matched to the dimension's columns of the same"
                + " names, e.g. [page]");
      }
      String schemaKey = dimensionKey(name, DIMENSION_SCHEMA);
      String ddl = r.string(schemaKey);
      StructType columns = null;
      if (ddl != null) {
        try {
          columns = StructType.fromDDL(ddl);
        } catch (Exception e) { // ParseException is thrown undeclared from Scala
          r.problem(
              schemaKey,
              "cannot parse the columns as a Spark DDL string (e.g. 'section STRING'): "
                  + firstLine(e.getMessage()));
        }
      }
      if (columns != null) {
        for (String k : key) {
          if (List.of(columns.fieldNames()).contains(k)) {
            r.problem(
                schemaKey,
                "names the key column '"
                    + k
                    + "', which the events already have; list only the columns to add");
          }
        }
      }
      Optional<Path> seed = readSeed(r, name);
      if (path != null && !key.isEmpty() && columns != null && seed != null) {
        out.add(new DimensionSpec(name, normalizePath(path), key, ddl, seed));
      }
    }
    return out;
  }

  /**
   * The seed file of dimension {@code name}, beside the pipeline file; empty without one, null (a
   * problem reported) when it names no readable file. Its rows are checked by PipelineValidator.
   */
  private static Optional<Path> readSeed(ConfigReader r, String name) {
    String seedKey = dimensionKey(name, DIMENSION_SEED);
    if (!r.has(seedKey)) {
      return Optional.empty();
    }
    String seed = r.string(seedKey);
    if (seed == null) {
      return null;
    }
    Path file = r.file().resolveSibling(seed).normalize();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      r.problem(
          seedKey,
          "no seed file "
              + file
              + ": a CSV file beside the pipeline file (header row, the key and schema columns)");
      return null;
    }
    return Optional.of(file);
  }

  /** Shape only (names, non-empty text); PipelineValidator analyses the SQL of each. */
  private static Map<String, String> readExpectations(ConfigReader r) {
    Map<String, String> expectations = r.settings(EXPECTATIONS);
    for (Map.Entry<String, String> e : expectations.entrySet()) {
      String key = EXPECTATIONS + "." + e.getKey();
      if (!VALID_NAME.matcher(e.getKey()).matches()) {
        r.problem(
            key, "'" + e.getKey() + "' is not a valid name (lower case letters, digits, - and _)");
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        r.problem(key, "must be a SQL condition over the event columns, e.g. \"amount > 0\"");
      }
    }
    return expectations;
  }

  /** With {@code parse}, the schema DDL (or Avro's mapping) is parsed with Spark's parser. */
  private static SourceSpec readSource(ConfigReader r, String baseName, boolean parse) {
    List<String> topics = r.strings(SOURCE_TOPICS, List.of());
    String pattern = r.string(SOURCE_TOPIC_PATTERN, null);
    String upstream = r.string(SOURCE_PIPELINE, null);
    int given = (topics.isEmpty() ? 0 : 1) + (pattern == null ? 0 : 1) + (upstream == null ? 0 : 1);
    if (given == 0) {
      r.problem(
          SOURCE_TOPICS,
          "is required (or "
              + SOURCE_TOPIC_PATTERN
              + ") unless "
              + SOURCE_PIPELINE
              + " names a pipeline to read: the Kafka topics to read, e.g. [card-transactions]");
    } else if (given > 1) {
      r.problem(
          upstream != null ? SOURCE_PIPELINE : SOURCE_TOPIC_PATTERN,
          "give one of "
              + SOURCE_TOPICS
              + ", "
              + SOURCE_TOPIC_PATTERN
              + " or "
              + SOURCE_PIPELINE
              + ", not both: the events come from named topics, matched topics or another"
              + " pipeline's table");
    } else if (pattern != null) {
      patternProblem(pattern).ifPresent(problem -> r.problem(SOURCE_TOPIC_PATTERN, problem));
    } else if (upstream != null) {
      return readPipelineSource(r, upstream);
    }
    for (String topic : topics) {
      topicProblem(topic).ifPresent(problem -> r.problem(SOURCE_TOPICS, problem));
    }
    String format = r.string(SOURCE_FORMAT, "json");
    String eventTime = r.string(SOURCE_EVENT_TIME);
    String ddl = null;
    AvroSpec avro = null;
    if ("avro".equals(format)) {
      if (r.has(SOURCE_SCHEMA)) {
        r.problem(
            SOURCE_SCHEMA,
            "is not read with "
                + SOURCE_FORMAT
                + " = avro: the event columns are the fields of the Avro schema file ("
                + SOURCE_AVRO_SCHEMA_FILE
                + ", default "
                + baseName
                + ".avsc)");
      }
      AvroSourceReader.Read read = AvroSourceReader.read(r, baseName, eventTime, parse);
      if (read != null) {
        avro = read.avro();
        ddl = read.schemaDdl();
      }
    } else {
      if (format != null && !format.equals("json")) {
        r.problem(
            SOURCE_FORMAT, "unsupported payload format '" + format + "'; 'json' or 'avro' are");
      }
      for (String key :
          List.of(SOURCE_AVRO_SCHEMA_FILE, SOURCE_AVRO_WIRE_FORMAT, SOURCE_AVRO_SCHEMAS_DIR)) {
        if (r.has(key)) {
          r.problem(key, "is read only with " + SOURCE_FORMAT + " = avro");
        }
      }
      ddl = r.string(SOURCE_SCHEMA);
      if (ddl != null && parse) {
        StructType schema = parseSchema(r, ddl);
        if (schema != null && eventTime != null) {
          checkEventTime(r, schema, eventTime);
        }
      }
    }
    Duration watermark = r.duration(SOURCE_WATERMARK);
    List<ConfigProblem> unreadable = new ArrayList<>();
    Map<String, String> options =
        Secrets.readFiles(r.settings(SOURCE_OPTIONS), r.file(), SOURCE_OPTIONS, unreadable);
    unreadable.forEach(p -> r.problem(p.key(), p.message()));
    Duration maxAhead =
        r.optionalDuration(SOURCE_MAX_EVENT_TIME_AHEAD)
            .orElse(SourceSpec.DEFAULT_MAX_EVENT_TIME_AHEAD);
    return SourceSpec.builder()
        .topics(topics)
        .format(format)
        .schemaDdl(ddl)
        .eventTimeColumn(eventTime)
        .watermarkDelay(watermark)
        .options(options)
        .maxEventTimeAhead(maxAhead)
        .topicPattern(topics.isEmpty() ? pattern : null) // both given: a problem, reported above
        .avro(avro)
        .build();
  }

  /**
   * A source that streams another pipeline's table ({@code source.pipeline}, D39): the events are
   * its rows, typed already, so {@code source.schema} names the columns read (checked against the
   * upstream's result by {@code PipelineValidator}); the keys that only mean something for Kafka
   * are refused.
   */
  private static SourceSpec readPipelineSource(ConfigReader r, String upstream) {
    if (!VALID_NAME.matcher(upstream).matches()) {
      r.problem(
          SOURCE_PIPELINE,
          "'" + upstream + "' is not a pipeline name (lower case letters, digits, - and _)");
    }
    for (String key :
        List.of(
            SOURCE_FORMAT,
            SOURCE_AVRO_SCHEMA_FILE,
            SOURCE_AVRO_WIRE_FORMAT,
            SOURCE_AVRO_SCHEMAS_DIR,
            SOURCE_OPTIONS,
            SOURCE_MAX_EVENT_TIME_AHEAD)) {
      if (r.has(key)) {
        r.problem(
            key,
            "is not read with "
                + SOURCE_PIPELINE
                + ": the events are the rows of pipeline '"
                + upstream
                + "', typed already, not Kafka records");
      }
    }
    String eventTime = r.string(SOURCE_EVENT_TIME);
    String ddl = r.string(SOURCE_SCHEMA);
    if (ddl != null) {
      StructType schema = parseSchema(r, ddl);
      if (schema != null && eventTime != null) {
        checkEventTime(r, schema, eventTime);
      }
    }
    Duration watermark = r.duration(SOURCE_WATERMARK);
    return SourceSpec.builder()
        .format(SourceSpec.PIPELINE_FORMAT)
        .schemaDdl(ddl)
        .eventTimeColumn(eventTime)
        .watermarkDelay(watermark)
        .pipeline(upstream)
        .build();
  }

  static StructType parseSchema(ConfigReader r, String ddl) {
    try {
      return StructType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is thrown undeclared from Scala
      r.problem(
          SOURCE_SCHEMA,
          "cannot parse the schema as a Spark DDL string (e.g. 'id STRING, ts TIMESTAMP'): "
              + firstLine(e.getMessage()));
      return null;
    }
  }

  private static void checkEventTime(ConfigReader r, StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        DataType t = f.dataType();
        if (!t.equals(DataTypes.TimestampType) && !t.equals(DataTypes.TimestampNTZType)) {
          r.problem(
              SOURCE_EVENT_TIME,
              "column '" + column + "' must be TIMESTAMP in source.schema, is " + t.sql());
        }
        return;
      }
    }
    r.problem(
        SOURCE_EVENT_TIME,
        "column '" + column + "' is not in source.schema " + List.of(schema.fieldNames()));
  }

  /** The SQL without trailing semicolons; with {@code parse}, refused unless one query. */
  private static String readSql(ConfigReader r, Path sqlFile, boolean parse) {
    if (!Files.isRegularFile(sqlFile)) {
      r.problem(QUERY_SQL_FILE, "SQL file not found: " + sqlFile);
      return null;
    }
    String sql;
    try {
      sql = Files.readString(sqlFile).strip();
    } catch (IOException e) {
      r.problem(QUERY_SQL_FILE, "cannot read " + sqlFile + ": " + e.getMessage());
      return null;
    }
    while (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1).strip();
    }
    Optional<String> notAQuery = parse ? QueryOnly.problem(sql) : Optional.empty();
    if (notAQuery.isPresent()) {
      r.problem(
          QUERY_SQL_FILE,
          sqlFile.getFileName()
              + " must hold one SELECT (or WITH ... SELECT) over the view events: "
              + notAQuery.get());
      return null;
    }
    return sql;
  }

  private static WindowSpec readWindow(ConfigReader r) {
    WindowSpec.Type type = r.enumValue(QUERY_WINDOW_TYPE, WindowSpec.Type.class, null);
    String startColumn = r.string(QUERY_WINDOW_START_COLUMN, "window_start");
    if (type == null) {
      return null;
    }
    switch (type) {
      case SESSION -> {
        Duration gap = r.duration(QUERY_WINDOW_GAP);
        return gap == null ? null : new WindowSpec(type, gap, gap, startColumn);
      }
      case TUMBLING -> {
        Duration size = r.duration(QUERY_WINDOW_SIZE);
        return size == null ? null : new WindowSpec(type, size, size, startColumn);
      }
      default -> {
        Duration size = r.duration(QUERY_WINDOW_SIZE);
        Duration slide = r.duration(QUERY_WINDOW_SLIDE);
        if (size == null || slide == null) {
          return null;
        }
        if (size.toMillis() % slide.toMillis() != 0) {
          r.problem(QUERY_WINDOW_SLIDE, "must divide query.window.size (" + size + ")");
          return null;
        }
        return new WindowSpec(type, size, slide, startColumn);
      }
    }
  }

  private static SinkSpec readSink(ConfigReader r, String name) {
    String table = r.string(SINK_TABLE, name == null ? null : name.replace('-', '_'));
    String path = r.string(SINK_PATH, "gold/" + table);
    if (path != null && (path.startsWith("/") || path.contains(".."))) {
      r.problem(SINK_PATH, "must be relative to the lake root, without '..': " + path);
    } else if (path != null && normalizePath(path).isEmpty()) {
      r.problem(
          SINK_PATH,
          "'"
              + path
              + "' is the lake root itself; name a folder below it, e.g. gold/"
              + (table == null ? "TABLE" : table));
    } else if (path != null) {
      String area = normalizePath(path).split("/")[0];
      if (RESERVED_AREAS.contains(area)) {
        r.problem(
            SINK_PATH,
            "'"
                + path
                + "' is inside the lake's "
                + area
                + "/ area, which Tidemark keeps for itself "
                + RESERVED_AREAS
                + "; use e.g. gold/"
                + (table == null ? "TABLE" : table));
      }
    }
    List<String> partitionBy = r.strings(SINK_PARTITION_BY, List.of());
    List<String> keys = r.strings(SINK_KEYS, List.of());
    if (keys.isEmpty()) {
      r.problem(
          SINK_KEYS,
          "is required: the columns that identify one row, e.g. [card_id, window_start]");
    }
    OutputMode mode = r.enumValue(SINK_OUTPUT_MODE, OutputMode.class, OutputMode.APPEND);
    TriggerSpec trigger = readTrigger(r);
    List<String> zorderBy = r.strings(SINK_ZORDER_BY, List.of());
    return new SinkSpec(table, path, partitionBy, keys, mode, trigger, zorderBy);
  }

  private static TriggerSpec readTrigger(ConfigReader r) {
    return r.trigger(SINK_TRIGGER, TriggerSpec.every(Duration.ofMinutes(1)));
  }

  /**
   * Why Kafka would refuse {@code topic} as a topic name (its own rule: 1 to 249 of {@code
   * [a-zA-Z0-9._-]}, not {@code .} or {@code ..}), if it would. The bronze table of a topic is the
   * folder {@code bronze/TOPIC}, so a legal name is also a safe folder name.
   */
  static Optional<String> topicProblem(String topic) {
    if (topic.isEmpty()) {
      return Optional.of("a topic name cannot be empty");
    }
    if (topic.equals(".") || topic.equals("..")) {
      return Optional.of("'" + topic + "' is not a legal Kafka topic name");
    }
    if (topic.length() > MAX_TOPIC_LENGTH) {
      return Optional.of(
          "'"
              + topic
              + "' is not a legal Kafka topic name: "
              + topic.length()
              + " characters, at most "
              + MAX_TOPIC_LENGTH);
    }
    if (!LEGAL_TOPIC.matcher(topic).matches()) {
      return Optional.of(
          "'"
              + topic
              + "' is not a legal Kafka topic name: only ASCII letters, digits, '.', '_' and '-'");
    }
    return Optional.empty();
  }

  /** Why {@code pattern} cannot be a topic pattern (a Java regular expression), if it cannot. */
  static Optional<String> patternProblem(String pattern) {
    if (pattern.isBlank()) {
      return Optional.of("a topic pattern cannot be empty");
    }
    try {
      Pattern.compile(pattern);
      return Optional.empty();
    } catch (PatternSyntaxException e) {
      return Optional.of(
          "'"
              + pattern
              + "' is not a Java regular expression: "
              + firstLine(e.getDescription())
              + " near index "
              + e.getIndex());
    }
  }

  /** A lake-relative path without empty or {@code .} segments and without a trailing slash. */
  static String normalizePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.strip().split("/")) {
      if (!segment.isEmpty() && !segment.equals(".")) {
        out.append(out.isEmpty() ? "" : "/").append(segment);
      }
    }
    return out.toString();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
