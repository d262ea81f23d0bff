package dev.tidemark.run;

import dev.tidemark.config.TidemarkConfig;
import org.apache.hadoop.fs.Path;

/**
 * Where Tidemark's bookkeeping lives in a lake: every path below {@code LAKE/_tidemark}, named here
 * and nowhere else. The Delta tables' paths (gold, quarantine, bronze, metrics, dimensions,
 * checkpoints) are the configuration's ({@link TidemarkConfig#tablePath} and its siblings), since a
 * user may move some of them; the whole layout:
 *
 * <pre>
 * LAKE/gold/...                   pipelines' results (sink.path)     TidemarkConfig.tablePath
 * LAKE/quarantine/PIPELINE        rejected records, with the reason  TidemarkConfig.quarantinePath
 * LAKE/bronze/TOPIC               every Kafka record as it arrived   TidemarkConfig.bronzePath
 * LAKE/_metrics/streaming|repairs one row per micro-batch | repair   TidemarkConfig.metricsPath
 * CHECKPOINTS/PIPELINE/...        Spark's checkpoints                TidemarkConfig.checkpointPath
 * LAKE/_tidemark/locks/...        who runs what (LakeLock)           below
 * LAKE/_tidemark/backfills/...    chunks a backfill has committed    below
 * LAKE/_tidemark/repairs/...      a repair's bookmark, plan, journal below
 * LAKE/_tidemark/pipelines/...    the lake manifest (LakeManifest)   below
 * </pre>
 */
public final class LakeLayout {
  private final String lake;

  private LakeLayout(String lake) {
    this.lake = lake;
  }

  public static LakeLayout of(TidemarkConfig config) {
    return new LakeLayout(config.lake());
  }

  /** The lock of a pipeline's stream (its gold and quarantine queries): one writer at a time. */
  public Path streamLock(String pipeline) {
    return at("locks", "stream", pipeline);
  }

  /**
   * The lock that backfills, repairs and resets of a pipeline share: one rewrite of its table at a
   * time.
   */
  public Path rewriteLock(String pipeline) {
    return at("locks", pipeline + ".backfill");
  }

  /** The lock of a topic's bronze ingest. */
  public Path bronzeLock(String topic) {
    return at("locks", "bronze", topic + ".ingest");
  }

  /** The journal of one backfill of a pipeline (range and chunk size in {@code key}). */
  public Path backfillJournal(String pipeline, String key) {
    return at("backfills", pipeline, key);
  }

  /** How far repair has scanned bronze for the pipeline. */
  public Path repairBookmark(String pipeline) {
    return at("repairs", pipeline, "bookmark");
  }

  /** The plan of the repair of the pipeline under way, kept until it finishes. */
  public Path repairPlan(String pipeline) {
    return at("repairs", pipeline, "plan");
  }

  /** The ranges the repair of the pipeline under way has recomputed. */
  public Path repairJournal(String pipeline) {
    return at("repairs", pipeline, "journal");
  }

  /** The folder of the lake manifest's per-pipeline files. */
  public Path manifestFolder() {
    return at("pipelines");
  }

  /** The single manifest file of lakes written before the per-pipeline files. */
  public Path legacyManifest() {
    return at("pipelines.json");
  }

  private Path at(String... parts) {
    return new Path(lake + "/_tidemark/" + String.join("/", parts));
  }
}
