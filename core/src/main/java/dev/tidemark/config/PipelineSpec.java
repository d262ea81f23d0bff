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

  /** A pipeline without dimensions. */
  public PipelineSpec(
      String name,
      String description,
      Path file,
      SourceSpec source,
      String sql,
      Path sqlFile,
      WindowSpec window,
      SinkSpec sink,
      String generator,
      Map<String, String> expectations) {
    this(
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
        List.of());
  }

  /** A pipeline without expectations. */
  public PipelineSpec(
      String name,
      String description,
      Path file,
      SourceSpec source,
      String sql,
      Path sqlFile,
      WindowSpec window,
      SinkSpec sink,
      String generator) {
    this(
        name,
        description,
        file,
        source,
        sql,
        sqlFile,
        window,
        sink,
        generator,
        Map.of(),
        List.of());
  }

  public PipelineSpec withSource(SourceSpec newSource) {
    return new PipelineSpec(
        name,
        description,
        file,
        newSource,
        sql,
        sqlFile,
        window,
        sink,
        generator,
        expectations,
        dimensions);
  }

  public PipelineSpec withSink(SinkSpec newSink) {
    return new PipelineSpec(
        name,
        description,
        file,
        source,
        sql,
        sqlFile,
        window,
        newSink,
        generator,
        expectations,
        dimensions);
  }

  /** The same pipeline with another SQL (same file names). */
  public PipelineSpec withSql(String newSql) {
    return new PipelineSpec(
        name,
        description,
        file,
        source,
        newSql,
        sqlFile,
        window,
        sink,
        generator,
        expectations,
        dimensions);
  }

  /** The same pipeline with another window declaration. */
  public PipelineSpec withWindow(WindowSpec newWindow) {
    return new PipelineSpec(
        name,
        description,
        file,
        source,
        sql,
        sqlFile,
        newWindow,
        sink,
        generator,
        expectations,
        dimensions);
  }

  /** The same pipeline enriched from other dimension tables. */
  public PipelineSpec withDimensions(List<DimensionSpec> newDimensions) {
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
        newDimensions);
  }

  public PipelineSpec withExpectations(Map<String, String> newExpectations) {
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
        newExpectations,
        dimensions);
  }
}
