package dev.tidemark.config;

import java.nio.file.Path;

/**
 * One pipeline as declared in {@code conf/pipelines/NAME.conf} and its sibling SQL file: already
 * loaded and checked for shape, not yet analysed by Spark (see {@code PipelineValidator}).
 *
 * @param name pipeline name, unique, used for checkpoints and CLI selection
 * @param file the file it was loaded from (named in every error)
 * @param sql the pipeline's query: a SELECT over the view {@code events}
 * @param sqlFile the file the SQL was read from
 * @param generator name of the sample-event generator for demo and tests, or empty
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
    String generator) {

  public PipelineSpec withSink(SinkSpec newSink) {
    return new PipelineSpec(
        name, description, file, source, sql, sqlFile, window, newSink, generator);
  }
}
