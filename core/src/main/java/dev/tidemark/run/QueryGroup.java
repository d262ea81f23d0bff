package dev.tidemark.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming queries one command runs (every query of its pipelines and its bronze ingest),
 * awaited together with Spark's {@code awaitAnyTermination}: the first query to fail stops all the
 * others, and {@link #await} throws a {@link QueryFailedException} naming it and its cause. A
 * process never stays up with one of its queries dead (a dead bronze ingest while the process keeps
 * its lock would let Kafka's retention delete what bronze never copied).
 */
public final class QueryGroup {
  private static final Logger LOG = LoggerFactory.getLogger(QueryGroup.class);
  private static final long POLL_MS = 1000;

  /** A query and what it belongs to (a pipeline's name, or "bronze ingest of TOPIC"). */
  public record Member(StreamingQuery query, String owner) {}

  /** A query of the group failed; every other query of the group has been stopped. */
  public static final class QueryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String query;
    private final String owner;

    QueryFailedException(String query, String owner, int stopped, StreamingQueryException cause) {
      super(
          "query "
              + query
              + " ("
              + owner
              + ") failed: "
              + reason(cause)
              + ". Stopped the "
              + stopped
              + " other running "
              + (stopped == 1 ? "query" : "queries")
              + " of this process. Each query resumes from its checkpoint on restart; fix the cause"
              + " first.",
          cause);
      this.query = query;
      this.owner = owner;
    }

    /** The failed query's name. */
    public String query() {
      return query;
    }

    /** What the failed query belongs to. */
    public String owner() {
      return owner;
    }

    @Override
    public synchronized StreamingQueryException getCause() {
      return (StreamingQueryException) super.getCause();
    }
  }

  /** A lock the group's work depends on was taken over; every query of the group was stopped. */
  public static final class LockLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LockLostException(LakeLock lock, int stopped) {
      super(
          "lost the lock "
              + lock
              + ": another process took it over (this one had not refreshed it in time). Stopped"
              + " the "
              + stopped
              + " running "
              + (stopped == 1 ? "query" : "queries")
              + " of this process; each resumes from its checkpoint on restart.");
    }
  }

  private final SparkSession spark;
  private final List<Member> members;
  private final List<LakeLock> locks;

  public QueryGroup(SparkSession spark, List<Member> members) {
    this(spark, members, List.of());
  }

  /** A group that also stops, and fails, when one of {@code locks} is lost. */
  public QueryGroup(SparkSession spark, List<Member> members, List<LakeLock> locks) {
    this.spark = spark;
    this.members = List.copyOf(members);
    this.locks = List.copyOf(locks);
  }

  /** The members of a set of running pipelines and a bronze ingest, in that order. */
  public static List<Member> of(List<RunningPipeline> pipelines, RunningBronze bronze) {
    List<Member> members = new ArrayList<>();
    for (RunningPipeline p : pipelines) {
      for (StreamingQuery q : p.queries()) {
        members.add(new Member(q, "pipeline " + p.spec().name()));
      }
    }
    for (int i = 0; i < bronze.queries().size(); i++) {
      members.add(
          new Member(bronze.queries().get(i), "bronze ingest of " + bronze.topics().get(i)));
    }
    return members;
  }

  /**
   * Returns once every query has ended without error (an available-now run ends once caught up; a
   * stop from outside, e.g. the shutdown hook, ends them too). When a query fails, stops the others
   * and throws {@link QueryFailedException}.
   */
  public void await() {
    while (true) {
      // Reset before looking, so that a query ending after the look still wakes the wait below.
      spark.streams().resetTerminated();
      Optional<Member> failed = firstFailed();
      if (failed.isPresent()) {
        int stopped = stopOthers(failed.get());
        Member f = failed.get();
        throw new QueryFailedException(
            String.valueOf(f.query().name()), f.owner(), stopped, f.query().exception().get());
      }
      Optional<LakeLock> lost = locks.stream().filter(LakeLock::lost).findFirst();
      if (lost.isPresent()) {
        throw new LockLostException(lost.get(), stopOthers(null));
      }
      if (members.stream().noneMatch(m -> m.query().isActive())) {
        return;
      }
      try {
        spark.streams().awaitAnyTermination(POLL_MS);
      } catch (StreamingQueryException e) {
        // Some query of the session ended with an error; the next look finds whether it is ours.
      }
    }
  }

  private Optional<Member> firstFailed() {
    return members.stream()
        .filter(m -> !m.query().isActive() && m.query().exception().isDefined())
        .findFirst();
  }

  private int stopOthers(Member failed) {
    int stopped = 0;
    for (Member m : members) {
      if (m != failed && m.query().isActive()) {
        try {
          m.query().stop();
          stopped++;
        } catch (Exception e) {
          LOG.warn("cannot stop query {}: {}", m.query().name(), e.toString());
        }
      }
    }
    return stopped;
  }

  /** The innermost cause of a query's failure, on one line: the most specific message. */
  static String reason(StreamingQueryException e) {
    Throwable t = e.cause() != null ? e.cause() : e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = String.valueOf(t.getMessage()).strip();
    int nl = message.indexOf('\n');
    return t.getClass().getSimpleName() + ": " + (nl < 0 ? message : message.substring(0, nl));
  }
}
