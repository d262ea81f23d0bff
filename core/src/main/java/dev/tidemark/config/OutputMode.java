package dev.tidemark.config;

/**
 * How a pipeline's windows reach its Delta table.
 *
 * <ul>
 *   <li>{@code APPEND}: a window is written once, when the watermark passes its end. Rows are
 *       final; open windows are not in the table yet.
 *   <li>{@code UPDATE}: every micro-batch upserts the windows it changed (Delta MERGE on the
 *       pipeline's keys), so open windows are visible early and converge to the final values.
 * </ul>
 */
public enum OutputMode {
  APPEND,
  UPDATE
}
