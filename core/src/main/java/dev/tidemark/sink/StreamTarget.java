package dev.tidemark.sink;

import dev.tidemark.config.TriggerSpec;
import java.util.List;

/**
 * Where and how a streaming query writes: the table path, its checkpoint, the trigger and the
 * columns that identify a row.
 *
 * @param windowStartKey the key column holding the window start, or null: an update-mode MERGE
 *     reads only the target rows whose window start lies within the batch's, so its cost follows
 *     the batch, not the table
 */
public record StreamTarget(
    String queryName,
    String tablePath,
    String checkpoint,
    TriggerSpec trigger,
    List<String> keys,
    List<String> partitionBy,
    String windowStartKey) {

  /**
   * The target of an append-only query (quarantine, bronze): rows have no key and no window, each
   * batch's rows are added once.
   */
  public static StreamTarget append(
      String queryName,
      String tablePath,
      String checkpoint,
      TriggerSpec trigger,
      List<String> partitionBy) {
    return new StreamTarget(
        queryName, tablePath, checkpoint, trigger, List.of(), partitionBy, null);
  }
}
