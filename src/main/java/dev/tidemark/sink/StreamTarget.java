package dev.tidemark.sink;

import dev.tidemark.config.TriggerSpec;
import java.util.List;

/**
 * Where and how a streaming query writes: the table path, its checkpoint, the trigger and the
 * columns that identify a row.
 */
public record StreamTarget(
    String queryName,
    String tablePath,
    String checkpoint,
    TriggerSpec trigger,
    List<String> keys,
    List<String> partitionBy) {}
