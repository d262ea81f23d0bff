package dev.tidemark.config;

/**
 * How much of each pipeline loading the configuration checks. Both read and check every file, key
 * and value (durations, window, sink, topics, the SQL file's presence, Avro schema files); they
 * differ only in what needs Spark's SQL parser.
 */
public enum PipelineChecks {
  /**
   * Also parses, with Spark's parser, each pipeline's schema DDL (and checks its event-time column
   * against it), its SQL (one query, no command) and an Avro schema's mapping to Spark columns. For
   * every command that runs, plans or validates the SQL.
   */
  FULL,

  /**
   * Keeps the schema DDL and the SQL as the text of the files, parsing neither, so loading loads
   * none of Spark's classes (Catalyst's parser, {@code SQLConf}, Scala: about 1.8 s of a short
   * command's start). For {@code status}, which only reads the lake: a pipeline whose schema or SQL
   * is wrong still loads, while {@code validate} and every command that runs the SQL refuse it. The
   * schema DDL of an Avro pipeline, derived from its reader schema by Spark's mapping, is null.
   */
  WITHOUT_SQL
}
