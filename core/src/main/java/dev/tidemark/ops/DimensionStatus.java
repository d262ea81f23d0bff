package dev.tidemark.ops;

import java.util.List;

/**
 * A dimension table of a pipeline's enrichment join as {@code tidemark status} shows it. Null
 * figures: no table at the path.
 *
 * @param name the dimension's name in the pipeline file
 * @param key the event columns it is joined on
 * @param tableVersion the latest version (the one new events join)
 * @param rows rows in that version (from the log's statistics)
 */
public record DimensionStatus(
    String name, String path, List<String> key, Long tableVersion, Long rows) {}
