package dev.tidemark.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.tidemark.pipeline.WindowDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    mixinStandardHelpOptions = true,
    name = "init",
    description = {
      "Write a new pipeline, NAME.conf and NAME.sql, into the pipelines folder of the"
          + " configuration: its own table, path and checkpoint, a windowed count per key, with"
          + " comments. The files pass `tidemark validate` as written; edit the SQL from there."
          + " Never overwrites: exits 2 when either file exists.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark init orders --topic orders --sample order.json --event-time ordered_at \\",
      "      --key customer_id --window '10 minutes' --slide '1 minute' --mode update",
      "  tidemark init clicks --schema 'user STRING, page STRING, ts TIMESTAMP' --window '5 minutes'"
    })
final class InitCommand implements Callable<Integer> {
  private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Parameters(index = "0", paramLabel = "NAME", description = "Pipeline name: a-z, 0-9, - and _.")
  String name;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic. Default: NAME.")
  String topic;

  static final class SchemaSource {
    @Option(
        names = "--schema",
        paramLabel = "DDL",
        description = "Payload schema as a Spark DDL string, e.g. 'id STRING, ts TIMESTAMP'.")
    String ddl;

    @Option(
        names = "--sample",
        paramLabel = "FILE",
        description =
            "A sample JSON record to infer the schema from: strings, whole numbers as BIGINT,"
                + " other numbers as DOUBLE, booleans, ISO-8601 date-times as TIMESTAMP.")
    Path sample;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  SchemaSource schema;

  @Option(
      names = "--event-time",
      paramLabel = "COLUMN",
      description = "TIMESTAMP column carrying event time. Default: the schema's only TIMESTAMP.")
  String eventTime;

  @Option(
      names = "--key",
      paramLabel = "COLUMN",
      description = "Column to group by besides the window (repeatable). Default: none.")
  List<String> keys = new ArrayList<>();

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "5 minutes",
      description = "Window size (default ${DEFAULT-VALUE}); tumbling unless --slide is given.")
  String window;

  @Option(
      names = "--slide",
      paramLabel = "DURATION",
      description = "Slide of a sliding window; must divide --window.")
  String slide;

  @Option(
      names = "--watermark",
      paramLabel = "DURATION",
      defaultValue = "5 minutes",
      description =
          "How late an event may arrive before it counts as late (default ${DEFAULT-VALUE}).")
  String watermark;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "update",
      description =
          "update (open windows visible at once, upserted) or append (final windows only);"
              + " default ${DEFAULT-VALUE}.")
  String mode;

  @Override
  public Integer call() throws IOException {
    if (!VALID_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a valid pipeline name (lower case letters, digits, - and _)");
    }
    String outputMode = mode.toLowerCase(Locale.ROOT);
    if (!outputMode.equals("update") && !outputMode.equals("append")) {
      throw new IllegalArgumentException("--mode must be update or append, got '" + mode + "'");
    }
    Path dir = conf.pipelinesDir();
    Path confFile = dir.resolve(name + ".conf");
    Path sqlFile = dir.resolve(name + ".sql");
    for (Path f : List.of(confFile, sqlFile)) {
      if (Files.exists(f)) {
        throw new IllegalArgumentException(
            f + " already exists; init never overwrites (choose another NAME or remove the file)");
      }
    }

    String ddl =
        schema.ddl != null ? schema.ddl : SampleSchema.infer(Files.readString(schema.sample));
    StructType struct;
    try {
      struct = StructType.fromDDL(ddl);
    } catch (Exception e) { // ParseException is thrown undeclared from Scala
      throw new IllegalArgumentException(
          "cannot parse the schema as a Spark DDL string: " + firstLine(e.getMessage()));
    }
    String time = eventTime != null ? eventTime : onlyTimestamp(struct);
    StructField timeField = field(struct, time, "--event-time");
    if (!timeField.dataType().equals(DataTypes.TimestampType)) {
      throw new IllegalArgumentException(
          "--event-time column '"
              + time
              + "' is "
              + timeField.dataType().sql()
              + ", not TIMESTAMP");
    }
    for (String key : keys) {
      field(struct, key, "--key");
    }
    Duration size = duration(window, "--window");
    Duration step = slide == null ? size : duration(slide, "--slide");
    if (size.toMillis() % step.toMillis() != 0) {
      throw new IllegalArgumentException("--slide " + slide + " must divide --window " + window);
    }
    Duration late = duration(watermark, "--watermark");

    String table = name.replace('-', '_');
    Files.createDirectories(dir);
    Files.writeString(
        confFile,
        pipelineConf(table, ddl, time, size, step, late, outputMode),
        StandardOpenOption.CREATE_NEW);
    Files.writeString(sqlFile, sql(struct, time, size, step), StandardOpenOption.CREATE_NEW);
    output.out().printf("wrote %s%nwrote %s%n", confFile, sqlFile);
    output
        .out()
        .printf(
            "next: edit %s, then: tidemark validate -p %s%s%n",
            sqlFile.getFileName(), name, conf.conf == null ? "" : " --conf " + conf.conf);
    return 0;
  }

  private String pipelineConf(
      String table,
      String ddl,
      String time,
      Duration size,
      Duration step,
      Duration late,
      String outputMode) {
    boolean sliding = !step.equals(size);
    String windowDecl =
        sliding
            ? "type = sliding, size = " + human(size) + ", slide = " + human(step)
            : "type = tumbling, size = " + human(size);
    List<String> keyColumns = new ArrayList<>(keys);
    keyColumns.add("window_start");
    return """
        # Pipeline {{NAME}}, written by `tidemark init`. Check it with: tidemark validate -p {{NAME}}
        # Every key is described in README.md ("A pipeline file"); an unknown key is an error.
        name = {{NAME}}
        description = "{{DESCRIPTION}}"

        source {
          # Kafka topics to read.
          topics = [{{TOPIC}}]
          format = json
          # Payload schema as a Spark DDL string. Fields the schema does not declare are ignored;
          # a declared field of the wrong type sends the record to LAKE/quarantine/{{NAME}}.
          schema = {{SCHEMA}}
          # The TIMESTAMP column carrying event time, and how far behind the newest event time an
          # event may arrive before the stream drops it as late (`repair` recomputes its window).
          event-time = {{TIME}}
          watermark = {{LATE}}
          # Kafka source options, e.g. maxOffsetsPerTrigger = 250000
          options {}
        }

        query {
          sql-file = {{NAME}}.sql
          # The window of the SQL's GROUP BY window(...); validate checks that the two agree.
          window { {{WINDOW}}, start-column = window_start }
        }

        sink {
          # This pipeline's own table: LAKE/{{PATH}} (checkpoints in CHECKPOINTS/{{NAME}}).
          table = {{TABLE}}
          path = {{PATH}}
          partition-by = [window_date]
          # The columns that identify one row: the SQL's keys and the window start.
          keys = [{{KEYS}}]
          # update: open windows are visible at once and converge (MERGE on the keys);
          # append: each window is written once, final, when the watermark passes its end.
          output-mode = {{MODE}}
          trigger = 1 minute
        }

        # Rules every event must satisfy (SQL conditions over the event columns); events breaking
        # one go to quarantine with the reason. For example:
        # expectations { positive-amount = "amount > 0" }
        """
        .replace("{{NAME}}", name)
        .replace(
            "{{DESCRIPTION}}",
            (keys.isEmpty() ? "Events" : "Events per " + String.join(", ", keys))
                + " per "
                + human(size)
                + (sliding ? " every " + human(step) : ""))
        .replace("{{TOPIC}}", quoteIfNeeded(topic == null ? name : topic))
        .replace("{{SCHEMA}}", ConfigValueFactory.fromAnyRef(ddl).render())
        .replace("{{TIME}}", quoteIfNeeded(time))
        .replace("{{LATE}}", human(late))
        .replace("{{WINDOW}}", windowDecl)
        .replace("{{TABLE}}", table)
        .replace("{{PATH}}", "gold/" + table)
        .replace(
            "{{KEYS}}",
            String.join(", ", keyColumns.stream().map(InitCommand::quoteIfNeeded).toList()))
        .replace("{{MODE}}", outputMode);
  }

  private String sql(StructType struct, String time, Duration size, Duration step) {
    StringBuilder select = new StringBuilder();
    for (String key : keys) {
      select.append("  ").append(column(key)).append(",\n");
    }
    String numeric = null;
    for (StructField f : struct.fields()) {
      if (f.dataType() instanceof NumericType && !keys.contains(f.name())) {
        numeric = f.name();
        break;
      }
    }
    String window =
        "window("
            + column(time)
            + ", '"
            + human(size)
            + "'"
            + (step.equals(size) ? "" : ", '" + human(step) + "'")
            + ")";
    List<String> groupBy = new ArrayList<>(keys.stream().map(InitCommand::column).toList());
    groupBy.add(window);
    return """
        -- {{NAME}}: one SELECT over the view `events` (columns: {{COLUMNS}}).
        -- Group by the window {{NAME}}.conf declares in query.window (validate checks that they agree)
        -- and select window.start AS window_start. Streaming aggregations cannot use
        -- COUNT(DISTINCT ...): use approx_count_distinct(...) or size(collect_set(...)).
        SELECT
        {{KEYS}}  window.start          AS window_start,
          window.end            AS window_end,
          to_date(window.start) AS window_date,
        {{EXAMPLE}}  count(*)              AS events
        FROM events
        GROUP BY {{GROUPING}}
        """
        .replace("{{NAME}}", name)
        .replace("{{COLUMNS}}", String.join(", ", struct.fieldNames()))
        .replace("{{KEYS}}", select.toString())
        .replace(
            "{{EXAMPLE}}",
            numeric == null ? "" : "  -- sum(" + column(numeric) + ") AS total_" + numeric + ",\n")
        .replace("{{GROUPING}}", String.join(", ", groupBy));
  }

  private static String onlyTimestamp(StructType struct) {
    List<String> timestamps = new ArrayList<>();
    for (StructField f : struct.fields()) {
      if (f.dataType().equals(DataTypes.TimestampType)) {
        timestamps.add(f.name());
      }
    }
    if (timestamps.size() != 1) {
      throw new IllegalArgumentException(
          "name the event-time column with --event-time; TIMESTAMP columns of the schema: "
              + timestamps);
    }
    return timestamps.get(0);
  }

  private static StructField field(StructType struct, String column, String option) {
    for (StructField f : struct.fields()) {
      if (f.name().equals(column)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        option + " column '" + column + "' is not in the schema " + List.of(struct.fieldNames()));
  }

  private static Duration duration(String text, String option) {
    try {
      Duration d =
          ConfigFactory.empty()
              .withValue("d", ConfigValueFactory.fromAnyRef(text))
              .getDuration("d");
      if (d.isNegative() || d.isZero() || d.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException(
            option + " must be a positive whole number of seconds, got '" + text + "'");
      }
      return d;
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          option + " must be a duration such as '5 minutes', got '" + text + "'");
    }
  }

  private static String human(Duration d) {
    return WindowDeclaration.human(d);
  }

  private static String column(String name) {
    return PLAIN_NAME.matcher(name).matches() ? name : "`" + name.replace("`", "``") + "`";
  }

  private static String quoteIfNeeded(String value) {
    return value.matches("[A-Za-z0-9_-]+") ? value : ConfigValueFactory.fromAnyRef(value).render();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
