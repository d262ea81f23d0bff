package dev.tidemark.pipeline;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.WindowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.Origin;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.sql.types.CalendarIntervalType;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The window a pipeline declares twice, in {@code query.window} of its file (which backfills,
 * repairs and compaction use) and in its SQL's {@code GROUP BY window(col, size[, slide])} or
 * {@code session_window(col, gap)} (which Spark computes): reads the SQL's with Spark's parser and
 * reports where the two differ (check {@code window-matches-sql}).
 */
public final class WindowDeclaration {
  private static final String CHECK = "[window-matches-sql] ";

  private WindowDeclaration() {}

  /**
   * A window as the SQL groups by it.
   *
   * @param type tumbling ({@code window(t, size)} or a slide equal to the size), sliding or session
   * @param size window length; the gap for session windows
   * @param slide distance between window starts; the size for tumbling, the gap for session windows
   * @param eventTimeColumn the column the window is computed on, or null when it is an expression
   * @param text the call as written in the SQL
   * @param line its line in the SQL text (1-based), or 0 when unknown
   */
  public record SqlWindow(
      WindowSpec.Type type,
      Duration size,
      Duration slide,
      String eventTimeColumn,
      String text,
      int line) {

    /** The same window as {@code query.window} would declare it. */
    public boolean sameAs(WindowSpec declared) {
      return normalType(declared.type(), declared.size(), declared.slide()) == type
          && declared.size().equals(size)
          && declared.slide().equals(slide);
    }

    public String describe() {
      return WindowDeclaration.describe(type, size, slide);
    }
  }

  /** The SQL's window cannot be read: an argument is not a literal interval, or several differ. */
  public static final class UnreadableWindowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnreadableWindowException(String message) {
      super(message);
    }
  }

  /**
   * The window the SQL groups by (its outermost aggregation that has one), parsed with Spark's SQL
   * parser; empty when no GROUP BY has a {@code window(...)} or {@code session_window(...)}.
   *
   * @throws UnreadableWindowException when the window's arguments are not literal intervals (e.g.
   *     {@code '10 minutes'}, {@code INTERVAL 10 MINUTES}), it has a start offset, or the SQL
   *     groups by two different windows
   * @throws RuntimeException Spark's {@code ParseException} when the SQL does not parse
   */
  public static Optional<SqlWindow> fromSql(String sql) {
    LogicalPlan plan = CatalystSqlParser$.MODULE$.parsePlan(sql);
    List<SqlWindow> found = new ArrayList<>();
    collect(plan, sql, found);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SqlWindow first = found.get(0);
    for (SqlWindow other : found) {
      if (other.type() != first.type()
          || !other.size().equals(first.size())
          || !other.slide().equals(first.slide())) {
        throw new UnreadableWindowException(
            "the SQL groups by two different windows, " + first.text() + " and " + other.text());
      }
    }
    return Optional.of(first);
  }

  /** The problems of one pipeline: empty when its SQL's window is the one its file declares. */
  public static List<ConfigProblem> check(PipelineSpec spec) {
    WindowSpec declared = spec.window();
    String sqlFile = spec.sqlFile() == null ? "the SQL" : spec.sqlFile().getFileName().toString();
    Optional<SqlWindow> parsed;
    try {
      parsed = fromSql(spec.sql());
    } catch (UnreadableWindowException e) {
      return List.of(problem(spec, "query.window", sqlFile + ": " + e.getMessage()));
    } catch (RuntimeException e) { // ParseException: the sql-analyzes check reports it
      return List.of();
    }
    String conf = "query.window (" + describe(declared.type(), declared.size(), declared.slide());
    if (parsed.isEmpty()) {
      return List.of(
          problem(
              spec,
              "query.window",
              conf
                  + ") is declared, but "
                  + sqlFile
                  + " groups by no window(...) or session_window(...); group by the window the"
                  + " file declares"));
    }
    SqlWindow sql = parsed.get();
    String where = sqlFile + lineIn(spec, sql);
    List<ConfigProblem> problems = new ArrayList<>();
    if (!sql.sameAs(declared)) {
      problems.add(
          problem(
              spec,
              "query.window",
              conf
                  + ") does not match "
                  + where
                  + ": "
                  + sql.text()
                  + " ("
                  + sql.describe()
                  + "); declare the same window in both"));
    }
    String eventTime = spec.source().eventTimeColumn();
    if (sql.eventTimeColumn() != null
        && eventTime != null
        && !sql.eventTimeColumn().equalsIgnoreCase(eventTime)) {
      problems.add(
          problem(
              spec,
              ConfigKeys.SOURCE_EVENT_TIME,
              "is '"
                  + eventTime
                  + "', but "
                  + where
                  + " windows by '"
                  + sql.eventTimeColumn()
                  + "': "
                  + sql.text()
                  + " (the watermark is on the event-time column)"));
    }
    return problems;
  }

  private static ConfigProblem problem(PipelineSpec spec, String key, String message) {
    return new ConfigProblem(spec.file(), CHECK + key, message);
  }

  /** " (line N)" in the SQL file, which may start with blank lines the loaded SQL has not. */
  private static String lineIn(PipelineSpec spec, SqlWindow window) {
    if (window.line() <= 0) {
      return "";
    }
    int offset = 0;
    try {
      if (spec.sqlFile() != null && Files.isRegularFile(spec.sqlFile())) {
        String file = Files.readString(spec.sqlFile());
        int at = file.indexOf(spec.sql());
        offset = at < 0 ? 0 : (int) file.substring(0, at).chars().filter(c -> c == '\n').count();
      }
    } catch (IOException e) {
      offset = 0;
    }
    return " (line " + (window.line() + offset) + ")";
  }

  private static void collect(QueryPlan<?> plan, String sql, List<SqlWindow> found) {
    if (plan instanceof Aggregate aggregate) {
      List<NamedExpression> selected =
          CollectionConverters.asJava(aggregate.aggregateExpressions());
      for (Expression grouping : CollectionConverters.asJava(aggregate.groupingExpressions())) {
        Expression e = aliased(grouping, selected);
        if (e instanceof UnresolvedFunction fn && isWindow(fn)) {
          found.add(read(fn, sql));
        }
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(((LogicalPlan) plan).children())) {
      collect(child, sql, found);
    }
    for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof LogicalPlan p) {
        collect(p, sql, found);
      }
    }
  }

  /** {@code GROUP BY w} where the SELECT has {@code window(...) AS w}. */
  private static Expression aliased(Expression grouping, List<NamedExpression> selected) {
    if (grouping instanceof UnresolvedAttribute a && a.nameParts().size() == 1) {
      for (NamedExpression n : selected) {
        if (n instanceof Alias alias && alias.name().equalsIgnoreCase(a.name())) {
          return alias.child();
        }
      }
    }
    return grouping;
  }

  private static boolean isWindow(UnresolvedFunction fn) {
    String name = fn.nameParts().last().toLowerCase(Locale.ROOT);
    return name.equals("window") || name.equals("session_window");
  }

  private static SqlWindow read(UnresolvedFunction fn, String sql) {
    String text = text(fn, sql);
    int line = fn.origin().line().isDefined() ? (Integer) fn.origin().line().get() : 0;
    List<Expression> args = CollectionConverters.asJava(fn.arguments());
    boolean session = fn.nameParts().last().equalsIgnoreCase("session_window");
    if (args.size() < 2 || (session && args.size() != 2) || args.size() > 4) {
      throw new UnreadableWindowException("cannot read the window of " + text);
    }
    String column =
        args.get(0) instanceof UnresolvedAttribute a
            ? CollectionConverters.asJava(a.nameParts()).get(a.nameParts().size() - 1)
            : null;
    Duration size = interval(args.get(1), text);
    if (session) {
      return new SqlWindow(WindowSpec.Type.SESSION, size, size, column, text, line);
    }
    Duration slide = args.size() >= 3 ? interval(args.get(2), text) : size;
    if (args.size() == 4 && !interval(args.get(3), text).isZero()) {
      throw new UnreadableWindowException(
          text + " has a start offset; Tidemark's windows start on multiples of the slide");
    }
    return new SqlWindow(normalType(null, size, slide), size, slide, column, text, line);
  }

  /** Sliding windows whose slide equals their size are tumbling windows. */
  private static WindowSpec.Type normalType(WindowSpec.Type type, Duration size, Duration slide) {
    if (type == WindowSpec.Type.SESSION) {
      return type;
    }
    return size.equals(slide) ? WindowSpec.Type.TUMBLING : WindowSpec.Type.SLIDING;
  }

  private static Duration interval(Expression e, String text) {
    if (e instanceof Literal literal && literal.value() != null) {
      Object value = literal.value();
      if (literal.dataType() instanceof StringType) {
        CalendarInterval i = IntervalUtils.safeStringToInterval((UTF8String) value);
        if (i != null && i.months == 0) {
          return Duration.ofDays(i.days).plusNanos(i.microseconds * 1000);
        }
      } else if (literal.dataType() instanceof DayTimeIntervalType) {
        return Duration.ofNanos((Long) value * 1000);
      } else if (literal.dataType() instanceof CalendarIntervalType) {
        CalendarInterval i = (CalendarInterval) value;
        if (i.months == 0) {
          return Duration.ofDays(i.days).plusNanos(i.microseconds * 1000);
        }
      }
    }
    throw new UnreadableWindowException(
        "cannot read the window of "
            + text
            + ": write its size, slide or gap as a literal such as '5 minutes' (no months or"
            + " years, no expressions)");
  }

  /** The call as the user wrote it, or Spark's rendering of it. */
  private static String text(Expression e, String sql) {
    Origin o = e.origin();
    if (o.startIndex().isDefined() && o.stopIndex().isDefined()) {
      int start = (Integer) o.startIndex().get();
      int stop = (Integer) o.stopIndex().get();
      if (start >= 0 && stop < sql.length() && start <= stop) {
        return sql.substring(start, stop + 1);
      }
    }
    return e.sql();
  }

  static String describe(WindowSpec.Type type, Duration size, Duration slide) {
    return switch (type) {
      case TUMBLING -> "tumbling, size " + human(size);
      case SLIDING -> "sliding, size " + human(size) + ", slide " + human(slide);
      case SESSION -> "session, gap " + human(size);
    };
  }

  /** A duration as a user writes it: {@code 10 minutes}, {@code 90 seconds}. */
  public static String human(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
    String[] names = {"day", "hour", "minute", "second", "millisecond"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0 && ms >= units[i]) {
        long n = ms / units[i];
        return n + " " + names[i] + (n == 1 ? "" : "s");
      }
    }
    return d.toString();
  }
}
