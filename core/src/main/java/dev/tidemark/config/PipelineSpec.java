package dev.tidemark.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pipeline as declared in {@code conf/pipelines/NAME.conf} and its sibling SQL file: already
 * loaded and checked for shape, not yet analysed by Spark (see {@code PipelineValidator}).
 *
 * @param name pipeline name, unique, used for checkpoints and CLI selection
 * @param file the file it was loaded from (named in every error)
 * @param sql the pipeline's query: a SELECT over the view {@code events}
 * @param sqlFile the file the SQL was read from
 * @param generator name of the sample-event generator for demo and tests, or empty
 * @param expectations rules every event must satisfy, by name: a SQL boolean expression over the
 *     event columns (e.g. {@code positive-amount -> "amount > 0"}); an event for which one is not
 *     true (false or NULL) goes to quarantine with the reason {@code expectation NAME failed: SQL}.
 *     Checked in name order; the reason names the first that fails.
 * @param dimensions the Delta tables the events are enriched from before the SQL, in name order
 *     (see {@link DimensionSpec}); empty for most pipelines
 */
public record PipelineSpec(
    String name,
    String description,
    Path file,
    SourceSpec source,
    String sql,
    Path sqlFile,
    WindowSpec window,
    SinkSpec sink,
    String generator,
    Map<String, String> expectations,
    List<DimensionSpec> dimensions) {

  public PipelineSpec {
    expectations =
        expectations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(expectations));
    dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
  }

  /** A builder of a pipeline named {@code name}; see {@link Builder#build()} for what it needs. */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder holding this pipeline's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .description(description)
        .file(file)
        .source(source)
        .sql(sql)
        .sqlFile(sqlFile)
        .window(window)
        .sink(sink)
        .generator(generator)
        .expectations(expectations)
        .dimensions(dimensions);
  }

  public PipelineSpec withSource(SourceSpec newSource) {
    return toBuilder().source(newSource).build();
  }

  public PipelineSpec withSink(SinkSpec newSink) {
    return toBuilder().sink(newSink).build();
  }

  /** The same pipeline with another SQL (same file names). */
  public PipelineSpec withSql(String newSql) {
    return toBuilder().sql(newSql).build();
  }

  /** The same pipeline with another window declaration. */
  public PipelineSpec withWindow(WindowSpec newWindow) {
    return toBuilder().window(newWindow).build();
  }

  /** The same pipeline enriched from other dimension tables. */
  public PipelineSpec withDimensions(List<DimensionSpec> newDimensions) {
    return toBuilder().dimensions(newDimensions).build();
  }

  public PipelineSpec withExpectations(Map<String, String> newExpectations) {
    return toBuilder().expectations(newExpectations).build();
  }

  /**
   * Builds a {@link PipelineSpec} field by field. {@link #build()} requires a name, a source, the
   * SQL, a window and a sink; the description and generator default to empty, expectations and
   * dimensions to none. Shape only: {@code PipelineFileReader} checks a file's values and names the
   * key, {@code PipelineValidator} checks them against Spark.
   */
  public static final class Builder {
    private String name;
    private String description = "";
    private Path file;
    private SourceSpec source;
    private String sql;
    private Path sqlFile;
    private WindowSpec window;
    private SinkSpec sink;
    private String generator = "";
    private Map<String, String> expectations = Map.of();
    private List<DimensionSpec> dimensions = List.of();

    private Builder() {}

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder description(String value) {
      description = value;
      return this;
    }

    /** The file the pipeline was declared in (named in every error). */
    public Builder file(Path value) {
      file = value;
      return this;
    }

    public Builder source(SourceSpec value) {
      source = value;
      return this;
    }

    public Builder sql(String value) {
      sql = value;
      return this;
    }

    public Builder sqlFile(Path value) {
      sqlFile = value;
      return this;
    }

    public Builder window(WindowSpec value) {
      window = value;
      return this;
    }

    public Builder sink(SinkSpec value) {
      sink = value;
      return this;
    }

    public Builder generator(String value) {
      generator = value;
      return this;
    }

    public Builder expectations(Map<String, String> value) {
      expectations = value;
      return this;
    }

    public Builder dimensions(List<DimensionSpec> value) {
      dimensions = value;
      return this;
    }

    /** The pipeline; an {@link IllegalStateException} names the first required field missing. */
    public PipelineSpec build() {
      require(name, "name");
      require(source, "source");
      require(sql, "sql");
      require(window, "window");
      require(sink, "sink");
      return new PipelineSpec(
          name,
          description,
          file,
          source,
          sql,
          sqlFile,
          window,
          sink,
          generator,
          expectations,
          dimensions);
    }

    private void require(Object value, String field) {
      if (value == null) {
        throw new IllegalStateException(
            "pipeline " + (name == null ? "" : "'" + name + "' ") + "has no " + field);
      }
    }
  }
}
