package dev.tidemark.ops;

import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * VACUUM that refuses a retention shorter than what readers may still need: the slowest reader's
 * lag ({@code tidemark.maintenance.slowest-reader-lag}: the furthest behind any stream or job
 * reading the table may be) and Delta's own {@code delta.deletedFileRetentionDuration} (7 days
 * unless the table says otherwise). A file VACUUM deletes can no longer be read by time travel or
 * by a stream that has not reached the version that removed it.
 */
public final class VacuumGuard {
  /** Raised instead of running an unsafe VACUUM; the message says why and what is safe. */
  public static final class UnsafeRetentionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsafeRetentionException(String message) {
      super(message);
    }
  }

  static final Duration DELTA_DEFAULT_RETENTION = Duration.ofDays(7);

  private final SparkSession spark;
  private final Duration slowestReaderLag;

  public VacuumGuard(SparkSession spark, Duration slowestReaderLag) {
    this.spark = spark;
    this.slowestReaderLag = slowestReaderLag;
  }

  /** The shortest retention that is safe for the table at {@code path}. */
  public Duration safeRetention(String path) {
    Duration delta = deletedFileRetention(path);
    return delta.compareTo(slowestReaderLag) >= 0 ? delta : slowestReaderLag;
  }

  /**
   * The Spark setting Delta's VACUUM takes as the number of tasks that list the table's files. Its
   * default (10,000) is sized for huge tables: on a small one, the tasks are almost all empty and
   * cost seconds to minutes of scheduling (measured: 100 s to vacuum a one-file table on 2 cores).
   */
  static final String LISTING_PARALLELISM =
      "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  /** Checks {@code retain} and vacuums; throws {@link UnsafeRetentionException} when too short. */
  public void vacuum(String table, String path, Duration retain) {
    check(table, path, retain);
    DeltaTable.forPath(listingSession(), path).vacuum(retain.toMillis() / 3_600_000.0);
  }

  /**
   * The session to vacuum with: {@link #spark} if the user set {@link #LISTING_PARALLELISM}, else a
   * new session of the same application that lists with four tasks per core of the cluster.
   */
  private SparkSession listingSession() {
    if (spark.conf().contains(LISTING_PARALLELISM)) {
      return spark;
    }
    SparkSession session = spark.newSession();
    session
        .conf()
        .set(
            LISTING_PARALLELISM,
            Integer.toString(Math.max(8, 4 * spark.sparkContext().defaultParallelism())));
    return session;
  }

  /**
   * Throws {@link UnsafeRetentionException}, naming the table and the shortest safe retention, when
   * {@code retain} is shorter than it; does nothing else.
   */
  public void check(String table, String path, Duration retain) {
    Duration safe = safeRetention(path);
    if (retain.compareTo(safe) < 0) {
      throw new UnsafeRetentionException(
          String.format(
              "refusing to VACUUM %s with a retention of %d hours: files removed less than %d hours"
                  + " ago may still be read (Delta's delta.deletedFileRetentionDuration is %d hours,"
                  + " tidemark.maintenance.slowest-reader-lag is %d hours). The shortest safe"
                  + " retention is %d hours: --retain '%d hours'.",
              table,
              retain.toHours(),
              safe.toHours(),
              deletedFileRetention(path).toHours(),
              slowestReaderLag.toHours(),
              safe.toHours(),
              safe.toHours()));
    }
  }

  private Duration deletedFileRetention(String path) {
    Row detail = DeltaTable.forPath(spark, path).detail().first();
    Map<String, String> props = detail.getJavaMap(detail.fieldIndex("properties"));
    String v = props.get("delta.deletedFileRetentionDuration");
    return v == null ? DELTA_DEFAULT_RETENTION : parseInterval(v);
  }

  /** Parses Delta's "interval 7 days" / "interval 168 hours" form. */
  static Duration parseInterval(String value) {
    String[] parts = value.trim().toLowerCase().replace("interval", "").trim().split("\\s+");
    long n = Long.parseLong(parts[0]);
    String unit = parts.length > 1 ? parts[1] : "days";
    return switch (unit.replaceAll("s$", "")) {
      case "week" -> Duration.ofDays(7 * n);
      case "day" -> Duration.ofDays(n);
      case "hour" -> Duration.ofHours(n);
      case "minute" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
