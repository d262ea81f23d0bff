package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.WindowSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.Origin;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A pipeline's windowed aggregation computed in two steps, the way Flink's window operators slice
 * sliding windows: every event is aggregated once into its <em>slice</em> (a stretch of event time
 * of gcd(window size, slide), per group key), and each window is the merge of the slices it covers.
 * A 10-minute window sliding every minute then costs one aggregation per event and a merge of ten
 * small slice rows per window, instead of ten copies of every event.
 *
 * <p>Both steps are derived from the pipeline's own SQL, located with Spark's parser, so what the
 * user wrote stays the definition: {@link #slices} runs the SQL's {@code FROM events WHERE …} with
 * every aggregate call replaced by its partial form, grouped by the SQL's keys and the slice;
 * {@link #windows} runs the SQL's SELECT list (and HAVING) over the slices of each window, with
 * each aggregate call replaced by the merge of its partials. A slice row is therefore an
 * aggregation state that can be stored, merged with later slice rows of the same key and slice
 * (events that arrive in later micro-batches) and rolled up into any window; {@link #compact}
 * merges them.
 *
 * <p>Decomposable aggregates and how they merge: {@code count}, {@code count_if}, {@code sum},
 * {@code min}, {@code max}, {@code avg} (sum and count), {@code bool_and}/{@code bool_or}, {@code
 * max_by}/{@code min_by}, {@code collect_set} and {@code collect_list} (arrays merged); approximate
 * aggregates become mergeable sketches at least as accurate as asked: {@code approx_count_distinct}
 * a theta sketch ({@code theta_sketch_agg}: exact up to 4,096 distinct values, and a union of
 * sketches equals the sketch of all values, however the slices were merged), {@code
 * percentile_approx} a KLL sketch ({@code kll_sketch_agg_double}, with k chosen for the requested
 * accuracy; exact below k values). Their estimates are the sketches' (not bit-equal to Spark's
 * HyperLogLog++ and GK summaries); the stream and the backfill both compute through slices, so they
 * agree with each other. SQL outside this shape (DISTINCT or FILTER aggregates, other aggregates,
 * session windows, joins, expressions as group keys, a window that differs from {@code
 * query.window}) is not sliced: {@link #analyze} says why, and such a pipeline runs on Spark's
 * stateful aggregation.
 */
public final class SlicedAggregation {
  /** The slice start column of a slice row. */
  public static final String SLICE = "_slice";

  private static final String WINDOW_START_MS = "_w";
  private static final String PARTIAL = "_p";

  private final PipelineSpec spec;
  private final List<String> keys;
  private final long sizeMs;
  private final long slideMs;
  private final long sliceMs;
  private final String sliceSql;
  private final String rollupSql;
  private final List<String> partialColumns;
  private final List<String> reaggregations;
  private final StructType resultSchema;

  private SlicedAggregation(
      PipelineSpec spec,
      List<String> keys,
      long sizeMs,
      long slideMs,
      String sliceSql,
      String rollupSql,
      List<String> partialColumns,
      List<String> reaggregations,
      StructType resultSchema) {
    this.spec = spec;
    this.keys = List.copyOf(keys);
    this.sizeMs = sizeMs;
    this.slideMs = slideMs;
    this.sliceMs = BigInteger.valueOf(sizeMs).gcd(BigInteger.valueOf(slideMs)).longValueExact();
    this.sliceSql = sliceSql;
    this.rollupSql = rollupSql;
    this.partialColumns = List.copyOf(partialColumns);
    this.reaggregations = List.copyOf(reaggregations);
    this.resultSchema = resultSchema;
  }

  /** The outcome of {@link #analyze}: the sliced form of the SQL, or why there is none. */
  public record Analysis(SlicedAggregation aggregation, String notSlicedBecause) {
    public boolean sliced() {
      return aggregation != null;
    }
  }

  /**
   * Derives the slice and roll-up queries from the pipeline's SQL, checking them with Spark's
   * analyzer against the declared event schema. Reads no data.
   */
  public static Analysis analyze(SparkSession spark, PipelineSpec spec) {
    try {
      return new Analysis(new Builder(spark, spec).build(), null);
    } catch (NotSliceable e) {
      return new Analysis(null, e.getMessage());
    }
  }

  /** Window length, in milliseconds. */
  public long sizeMillis() {
    return sizeMs;
  }

  /** Distance between window starts, in milliseconds. */
  public long slideMillis() {
    return slideMs;
  }

  /** Slice length (gcd of size and slide), in milliseconds. */
  public long sliceMillis() {
    return sliceMs;
  }

  /** The group keys of the SQL (without the window). */
  public List<String> keys() {
    return keys;
  }

  /** The schema of {@link #windows}: exactly the SQL's result schema. */
  public StructType resultSchema() {
    return resultSchema;
  }

  /** The slice query, for {@code explain} and tests. */
  public String sliceSql() {
    return sliceSql;
  }

  /** The roll-up query, for {@code explain} and tests. */
  public String rollupSql() {
    return rollupSql;
  }

  /**
   * Aggregates events (the declared event columns) into slice rows: the SQL's keys, {@link #SLICE}
   * and one column per partial aggregate. Several slice rows of one key and slice (from different
   * batches) are valid; {@link #windows} and {@link #compact} merge them.
   */
  public Dataset<Row> slices(Dataset<Row> events) {
    return PipelineQuery.sqlOver(withSlice(events), sliceSql);
  }

  /** Merges the slice rows of each key and slice into one. */
  public Dataset<Row> compact(Dataset<Row> slices) {
    Column[] groups = new Column[keys.size() + 1];
    for (int i = 0; i < keys.size(); i++) {
      groups[i] = col(quote(keys.get(i)));
    }
    groups[keys.size()] = col(SLICE);
    Column[] merged = new Column[partialColumns.size()];
    for (int i = 0; i < merged.length; i++) {
      merged[i] = expr(reaggregations.get(i)).as(partialColumns.get(i));
    }
    return slices
        .groupBy(groups)
        .agg(merged[0], java.util.Arrays.copyOfRange(merged, 1, merged.length));
  }

  /**
   * The result rows of the windows that start in {@code [fromMs, toMs)}, merged from the given
   * slice rows, which must hold every slice of those windows (see {@link #slicesOfWindows}).
   */
  public Dataset<Row> windows(Dataset<Row> slices, long fromMs, long toMs) {
    String sliceStart = "unix_millis(" + SLICE + ")";
    Dataset<Row> exploded;
    if (sizeMs == slideMs) {
      exploded = slices.withColumn(WINDOW_START_MS, expr(sliceStart));
    } else {
      // The windows containing slice [s, s + slice): starts w, multiples of the slide, with
      // s + slice - size <= w <= s.
      String first =
          String.format(
              "CAST(ceil((%s + %d) / %d.0) AS BIGINT) * %d",
              sliceStart, sliceMs - sizeMs, slideMs, slideMs);
      String last =
          String.format("CAST(floor(%s / %d.0) AS BIGINT) * %d", sliceStart, slideMs, slideMs);
      exploded =
          slices.withColumn(
              WINDOW_START_MS,
              expr(String.format("explode(sequence(%s, %s, %dL))", first, last, slideMs)));
    }
    Column start = col(WINDOW_START_MS);
    Dataset<Row> rolled =
        PipelineQuery.sqlOver(
            withWindow(exploded.where(start.geq(fromMs).and(start.lt(toMs)))), rollupSql);
    Column[] typed = new Column[resultSchema.fields().length];
    for (int i = 0; i < typed.length; i++) {
      StructField f = resultSchema.fields()[i];
      typed[i] = col(quote(f.name())).cast(f.dataType()).as(f.name());
    }
    return rolled.select(typed);
  }

  /** Replaces the window start in milliseconds by the {@code window} struct the SQL selects. */
  private Dataset<Row> withWindow(Dataset<Row> slices) {
    return slices
        .withColumn(
            "window",
            expr(
                String.format(
                    "named_struct('start', timestamp_millis(%s), 'end', timestamp_millis(%s +"
                        + " %dL))",
                    WINDOW_START_MS, WINDOW_START_MS, sizeMs)))
        .drop(WINDOW_START_MS, SLICE);
  }

  /**
   * The slice starts that windows starting in {@code [fromMs, toMs)} are made of: {@code [fromMs,
   * toMs - slide + size)}.
   */
  public long[] slicesOfWindows(long fromMs, long toMs) {
    return new long[] {fromMs, toMs - slideMs + sizeMs};
  }

  /** The first window start at or after {@code t} (windows start at multiples of the slide). */
  public long firstWindowStartFrom(long t) {
    return -Math.floorDiv(-t, slideMs) * slideMs;
  }

  /** The start of the earliest window containing the slice that starts at {@code sliceStart}. */
  public long firstWindowOfSlice(long sliceStart) {
    return firstWindowStartFrom(sliceStart + sliceMs - sizeMs);
  }

  /** The start of the latest window containing the slice that starts at {@code sliceStart}. */
  public long lastWindowOfSlice(long sliceStart) {
    return Math.floorDiv(sliceStart, slideMs) * slideMs;
  }

  /** The start of the slice holding the event time {@code eventMs}. */
  public long sliceOf(long eventMs) {
    return Math.floorDiv(eventMs, sliceMs) * sliceMs;
  }

  /** The start of the earliest window still open under a watermark: its end is after it. */
  public long firstOpenWindow(long watermarkMs) {
    return Math.floorDiv(watermarkMs - sizeMs, slideMs) * slideMs + slideMs;
  }

  /**
   * The slice start of an event-time column, as a SQL expression over epoch milliseconds of {@code
   * eventTime}.
   */
  public String sliceStartMillis(String eventTime) {
    return String.format(
        "CAST(floor(unix_millis(%s) / %d.0) AS BIGINT) * %d", quote(eventTime), sliceMs, sliceMs);
  }

  private Dataset<Row> withSlice(Dataset<Row> events) {
    return events.withColumn(
        SLICE, expr("timestamp_millis(" + sliceStartMillis(spec.source().eventTimeColumn()) + ")"));
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** Why a SQL has no sliced form; the message names the part of the SQL. */
  private static final class NotSliceable extends Exception {
    NotSliceable(String message) {
      super(message, null, false, false);
    }
  }

  /** One aggregate call of the SQL: its place in the text and how it decomposes. */
  private record Call(int start, int stop, List<String> partials, Decomposition decomposition) {}

  /**
   * How one aggregate decomposes: its partial aggregates over events, how each partial merges with
   * itself (given the call's partial columns), and the final value (given the merged partials).
   */
  private record Decomposition(
      List<String> partials,
      Function<List<String>, List<String>> reaggregate,
      Function<List<String>, String> finish) {
    static Decomposition same(String partial, String fn) {
      return new Decomposition(
          List.of(partial), c -> List.of(fn + "(" + c.get(0) + ")"), m -> m.get(0));
    }
  }

  private static final Set<String> AGGREGATES =
      Set.of(
          "count",
          "count_if",
          "sum",
          "min",
          "max",
          "avg",
          "mean",
          "collect_set",
          "collect_list",
          "array_agg",
          "approx_count_distinct",
          "percentile_approx",
          "approx_percentile",
          "bool_and",
          "every",
          "bool_or",
          "some",
          "any",
          "max_by",
          "min_by");

  /** Builds the sliced form of one pipeline's SQL. */
  private static final class Builder {
    private final SparkSession spark;
    private final PipelineSpec spec;
    private final String sql;
    private final Dataset<Row> events;

    Builder(SparkSession spark, PipelineSpec spec) {
      this.spark = spark;
      this.spec = spec;
      this.sql = spec.sql();
      List<Row> none = List.of();
      this.events =
          spark.createDataFrame(
              none, AsOfJoin.eventSchema(spec, EventDecoder.of(spec).eventSchema()));
    }

    SlicedAggregation build() throws NotSliceable {
      WindowSpec window = spec.window();
      if (window == null || window.type() == WindowSpec.Type.SESSION) {
        throw new NotSliceable("session windows merge by gaps, not by fixed slices");
      }
      LogicalPlan plan;
      try {
        plan =
            ((org.apache.spark.sql.classic.SparkSession) spark)
                .sessionState()
                .sqlParser()
                .parsePlan(sql);
      } catch (Exception e) {
        throw new NotSliceable("the SQL does not parse: " + e.getMessage());
      }
      Expression having = null;
      if (plan instanceof UnresolvedHaving h) {
        having = h.havingCondition();
        plan = h.child();
      }
      if (!(plan instanceof Aggregate aggregate)) {
        throw new NotSliceable("the SQL is not one SELECT … FROM events GROUP BY …");
      }
      LogicalPlan child = aggregate.child();
      Expression where = null;
      if (child instanceof Filter f) {
        where = f.condition();
        child = f.child();
      }
      if (!(child instanceof UnresolvedRelation r)
          || !CollectionConverters.asJava(r.multipartIdentifier())
              .equals(List.of(PipelineQuery.EVENTS_VIEW))) {
        throw new NotSliceable("the SQL reads something other than the view events alone");
      }

      List<String> keys = new ArrayList<>();
      UnresolvedFunction windowCall = null;
      for (Expression g : CollectionConverters.asJava(aggregate.groupingExpressions())) {
        if (g instanceof UnresolvedAttribute a && a.nameParts().size() == 1) {
          keys.add(a.name());
        } else if (g instanceof UnresolvedFunction f
            && name(f).equals("window")
            && windowCall == null) {
          windowCall = f;
        } else {
          throw new NotSliceable(
              "GROUP BY " + text(g) + ": only event columns and one window(...) are sliced");
        }
      }
      if (windowCall == null) {
        throw new NotSliceable("the GROUP BY has no window(...)");
      }
      checkWindow(windowCall, window);

      List<Call> calls = new ArrayList<>();
      for (Object e : CollectionConverters.asJava(aggregate.aggregateExpressions())) {
        collectCalls((Expression) e, calls);
      }
      if (having != null) {
        collectCalls(having, calls);
      }
      checkAggregatesKnown();
      if (calls.isEmpty()) {
        throw new NotSliceable("the SQL has no aggregate");
      }

      // The slice query: the SQL's keys, the slice, and every distinct partial of the calls (the
      // card-velocity SQL's flag repeats count(*), sum(amount) and collect_set(country)).
      List<String> select = new ArrayList<>();
      keys.forEach(k -> select.add(quote(k)));
      select.add(SLICE);
      Map<String, String> columnOfPartial = new java.util.LinkedHashMap<>();
      List<List<String>> columnsOfCall = new ArrayList<>();
      for (Call c : calls) {
        List<String> mine = new ArrayList<>();
        for (String p : c.partials()) {
          String column = columnOfPartial.get(p);
          if (column == null) {
            column = PARTIAL + columnOfPartial.size();
            columnOfPartial.put(p, column);
            select.add(p + " AS " + column);
          }
          mine.add(column);
        }
        columnsOfCall.add(mine);
      }
      List<String> partialColumns = List.copyOf(columnOfPartial.values());
      String groupBy = String.join(", ", select.subList(0, keys.size() + 1));
      String sliceSql =
          "SELECT "
              + String.join(", ", select)
              + " FROM "
              + PipelineQuery.EVENTS_VIEW
              + (where == null ? "" : " WHERE " + text(where))
              + " GROUP BY "
              + groupBy;

      // The roll-up: the SQL itself, aggregate calls replaced by the merge of their partials.
      Map<String, String> reaggregationOf = new java.util.HashMap<>();
      Map<Integer, String[]> replacements = new java.util.TreeMap<>(Comparator.reverseOrder());
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        List<String> merged = c.decomposition().reaggregate().apply(columnsOfCall.get(i));
        for (int j = 0; j < merged.size(); j++) {
          reaggregationOf.putIfAbsent(columnsOfCall.get(i).get(j), merged.get(j));
        }
        replacements.put(
            c.start(),
            new String[] {Integer.toString(c.stop()), c.decomposition().finish().apply(merged)});
      }
      replacements.put(
          start(windowCall), new String[] {Integer.toString(stop(windowCall)), "window"});
      if (where != null) {
        replacements.put(start(where), new String[] {Integer.toString(stop(where)), "TRUE"});
      }
      StringBuilder rollup = new StringBuilder(sql);
      for (Map.Entry<Integer, String[]> rep : replacements.entrySet()) {
        rollup.replace(rep.getKey(), Integer.parseInt(rep.getValue()[0]) + 1, rep.getValue()[1]);
      }
      long size = window.size().toMillis();
      long slide = window.slide().toMillis();
      SlicedAggregation sliced =
          new SlicedAggregation(
              spec,
              keys,
              size,
              slide,
              sliceSql,
              rollup.toString(),
              partialColumns,
              partialColumns.stream().map(reaggregationOf::get).toList(),
              resultSchema());
      checkAnalyzes(sliced);
      return sliced;
    }

    /** The SQL's own result schema, which the roll-up must reproduce. */
    private StructType resultSchema() throws NotSliceable {
      try {
        return PipelineQuery.sqlOver(events, sql).schema();
      } catch (Exception e) {
        throw new NotSliceable("the SQL does not analyze: " + e.getMessage());
      }
    }

    /** Both derived queries analyze and the roll-up gives the SQL's columns. */
    private void checkAnalyzes(SlicedAggregation sliced) throws NotSliceable {
      StructType rolled;
      try {
        Dataset<Row> slices = sliced.slices(events);
        rolled =
            PipelineQuery.sqlOver(
                    sliced.withWindow(
                        slices.withColumn(WINDOW_START_MS, expr("unix_millis(" + SLICE + ")"))),
                    sliced.rollupSql)
                .schema();
      } catch (Exception e) {
        throw new NotSliceable("its sliced form does not analyze: " + e.getMessage());
      }
      List<String> expected = List.of(sliced.resultSchema.fieldNames());
      if (!List.of(rolled.fieldNames()).equals(expected)) {
        throw new NotSliceable(
            "its sliced form selects " + List.of(rolled.fieldNames()) + ", not " + expected);
      }
    }

    private void checkWindow(UnresolvedFunction call, WindowSpec window) throws NotSliceable {
      List<Expression> args = CollectionConverters.asJava(call.arguments());
      if (args.size() < 2
          || args.size() > 3
          || !(args.get(0) instanceof UnresolvedAttribute t)
          || !t.name().equalsIgnoreCase(spec.source().eventTimeColumn())) {
        throw new NotSliceable(
            text(call)
                + ": only window("
                + spec.source().eventTimeColumn()
                + ", size[, slide]) is sliced");
      }
      long size = durationMillis(args.get(1));
      long slide = args.size() == 3 ? durationMillis(args.get(2)) : size;
      if (size != window.size().toMillis() || slide != window.slide().toMillis()) {
        throw new NotSliceable(
            text(call)
                + " differs from query.window ("
                + window.size()
                + " every "
                + window.slide()
                + ")");
      }
    }

    private long durationMillis(Expression e) throws NotSliceable {
      if (e instanceof Literal l) {
        Object v = l.value();
        if (v instanceof UTF8String s) {
          CalendarInterval i = IntervalUtils.stringToInterval(s);
          if (i.months == 0) {
            return i.days * 86_400_000L + i.microseconds / 1000;
          }
        } else if (v instanceof CalendarInterval i && i.months == 0) {
          return i.days * 86_400_000L + i.microseconds / 1000;
        } else if (l.dataType() instanceof DayTimeIntervalType && v instanceof Long micros) {
          return micros / 1000;
        }
      }
      throw new NotSliceable(text(e) + ": a window length must be a literal of days or less");
    }

    /** Every aggregate Spark finds in the SQL is one this class decomposes. */
    private void checkAggregatesKnown() throws NotSliceable {
      LogicalPlan analyzed;
      try {
        analyzed = PipelineQuery.sqlOver(events, sql).queryExecution().analyzed();
      } catch (Exception e) {
        throw new NotSliceable("the SQL does not analyze: " + e.getMessage());
      }
      List<AggregateExpression> found = new ArrayList<>();
      collectAggregates(analyzed, found);
      for (AggregateExpression a : found) {
        String fn = a.aggregateFunction().prettyName().toLowerCase(Locale.ROOT);
        if (a.isDistinct() || a.filter().isDefined()) {
          throw new NotSliceable("the aggregate " + fn + " has DISTINCT or FILTER");
        }
        if (!AGGREGATES.contains(fn)) {
          throw new NotSliceable("the aggregate " + fn + " cannot be merged from slices");
        }
      }
    }

    private static void collectAggregates(LogicalPlan plan, List<AggregateExpression> found) {
      for (Expression e : CollectionConverters.asJava(plan.expressions())) {
        collectAggregates(e, found);
      }
      for (LogicalPlan c : CollectionConverters.asJava(plan.children())) {
        collectAggregates(c, found);
      }
    }

    private static void collectAggregates(Expression e, List<AggregateExpression> found) {
      if (e instanceof AggregateExpression a) {
        found.add(a);
        return;
      }
      for (Expression c : CollectionConverters.asJava(e.children())) {
        collectAggregates(c, found);
      }
    }

    private void collectCalls(Expression e, List<Call> calls) throws NotSliceable {
      if (e instanceof UnresolvedFunction f && AGGREGATES.contains(name(f))) {
        if (f.isDistinct() || f.filter().isDefined()) {
          throw new NotSliceable(text(f) + ": DISTINCT, FILTER and IGNORE NULLS are not sliced");
        }
        Decomposition d = decompose(f);
        calls.add(new Call(start(f), stop(f), d.partials(), d));
        return;
      }
      String kind = e.getClass().getSimpleName();
      if (kind.startsWith("UnresolvedWindowExpression") || kind.equals("WindowExpression")) {
        throw new NotSliceable(text(e) + ": window functions (OVER) are not sliced");
      }
      for (Expression c : CollectionConverters.asJava(e.children())) {
        collectCalls(c, calls);
      }
    }

    private Decomposition decompose(UnresolvedFunction f) throws NotSliceable {
      String fn = name(f);
      List<Expression> args = CollectionConverters.asJava(f.arguments());
      List<String> a = new ArrayList<>();
      for (Expression arg : args) {
        a.add(text(arg));
      }
      boolean star = fn.equals("count") && args.size() == 1 && text(args.get(0)).equals(text(f));
      String all = star ? "*" : String.join(", ", a);
      switch (fn) {
        case "count", "count_if" -> {
          return new Decomposition(
              List.of(fn + "(" + all + ")"), c -> List.of("sum(" + c.get(0) + ")"), m -> m.get(0));
        }
        case "sum" -> {
          String type = typeOf("sum(" + all + ")").sql();
          return new Decomposition(
              List.of("sum(" + all + ")"),
              c -> List.of("CAST(sum(" + c.get(0) + ") AS " + type + ")"),
              m -> m.get(0));
        }
        case "min", "max", "bool_and", "bool_or", "every", "some", "any" -> {
          String merge =
              switch (fn) {
                case "every" -> "bool_and";
                case "some", "any" -> "bool_or";
                default -> fn;
              };
          return Decomposition.same(merge + "(" + all + ")", merge);
        }
        case "avg", "mean" -> {
          arity(f, a, 1);
          String type = typeOf("avg(" + a.get(0) + ")").sql();
          String sumType = typeOf("sum(" + a.get(0) + ")").sql();
          return new Decomposition(
              List.of("sum(" + a.get(0) + ")", "count(" + a.get(0) + ")"),
              c ->
                  List.of(
                      "CAST(sum(" + c.get(0) + ") AS " + sumType + ")", "sum(" + c.get(1) + ")"),
              m -> "CAST(try_divide(" + m.get(0) + ", " + m.get(1) + ") AS " + type + ")");
        }
        case "collect_set" -> {
          return new Decomposition(
              List.of("collect_set(" + all + ")"),
              c -> List.of("array_distinct(flatten(collect_list(" + c.get(0) + ")))"),
              m -> m.get(0));
        }
        case "collect_list", "array_agg" -> {
          return new Decomposition(
              List.of("collect_list(" + all + ")"),
              c -> List.of("flatten(collect_list(" + c.get(0) + "))"),
              m -> m.get(0));
        }
        case "max_by", "min_by" -> {
          arity(f, a, 2);
          String best = fn.equals("max_by") ? "max" : "min";
          return new Decomposition(
              List.of(fn + "(" + a.get(0) + ", " + a.get(1) + ")", best + "(" + a.get(1) + ")"),
              c ->
                  List.of(fn + "(" + c.get(0) + ", " + c.get(1) + ")", best + "(" + c.get(1) + ")"),
              m -> m.get(0));
        }
        case "approx_count_distinct" -> {
          // A theta sketch: its union is exactly the sketch of all the values (the smallest
          // hashes), so slices merged in any grouping give the same estimate, and it is exact up
          // to 2^lgNom distinct values. (An HLL sketch's estimate depends on how it was merged.)
          double rsd = a.size() > 1 ? number(a.get(1)) : 0.05;
          int lgNom = (int) Math.ceil(Math.log(1 / (rsd * rsd)) / Math.log(2));
          lgNom = Math.max(12, Math.min(26, lgNom));
          DataType type = typeOf(a.get(0));
          String input =
              type instanceof IntegerType
                      || type instanceof LongType
                      || type instanceof DoubleType
                      || type instanceof FloatType
                      || type instanceof StringType
                      || type instanceof BinaryType
                  ? a.get(0)
                  : "CAST(" + a.get(0) + " AS STRING)";
          int nominal = lgNom;
          return new Decomposition(
              List.of("theta_sketch_agg(" + input + ", " + nominal + ")"),
              c -> List.of("theta_union_agg(" + c.get(0) + ", " + nominal + ")"),
              m -> "theta_sketch_estimate(" + m.get(0) + ")");
        }
        case "percentile_approx", "approx_percentile" -> {
          if (a.size() < 2 || a.size() > 3) {
            throw new NotSliceable(text(f) + ": expected percentile_approx(value, p[, accuracy])");
          }
          double accuracy = a.size() == 3 ? number(a.get(2)) : 10_000;
          String type = typeOf(fn + "(" + all + ")").sql();
          if (type.startsWith("ARRAY")) {
            throw new NotSliceable(text(f) + ": an array of percentiles is not sliced");
          }
          // KLL's normalized rank error is about 2.296 / k^0.9723 (DataSketches); choose k so that
          // it is within 1 / accuracy, the bound percentile_approx promises.
          int k = (int) Math.ceil(Math.pow(2.296 * accuracy, 1 / 0.9723));
          int kll = Math.max(8, Math.min(65_535, k));
          String p = a.get(1);
          return new Decomposition(
              List.of("kll_sketch_agg_double(CAST(" + a.get(0) + " AS DOUBLE), " + kll + ")"),
              c -> List.of("kll_merge_agg_double(" + c.get(0) + ")"),
              m ->
                  "CAST(kll_sketch_get_quantile_double("
                      + m.get(0)
                      + ", "
                      + p
                      + ") AS "
                      + type
                      + ")");
        }
        default -> throw new NotSliceable("the aggregate " + fn + " cannot be merged from slices");
      }
    }

    private void arity(UnresolvedFunction f, List<String> args, int n) throws NotSliceable {
      if (args.size() != n) {
        throw new NotSliceable(text(f) + ": expected " + n + " argument(s)");
      }
    }

    private DataType typeOf(String expression) throws NotSliceable {
      try {
        return events.selectExpr(expression).schema().fields()[0].dataType();
      } catch (Exception e) {
        throw new NotSliceable(expression + " does not analyze: " + e.getMessage());
      }
    }

    private double number(String literal) throws NotSliceable {
      try {
        return ((Number) spark.sql("SELECT CAST(" + literal + " AS DOUBLE)").first().get(0))
            .doubleValue();
      } catch (Exception e) {
        throw new NotSliceable(literal + " is not a constant number");
      }
    }

    private static String name(UnresolvedFunction f) {
      List<String> parts = CollectionConverters.asJava(f.nameParts());
      return parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
    }

    private String text(Expression e) {
      return sql.substring(start(e), stop(e) + 1);
    }

    private static int start(Expression e) {
      Origin o = e.origin();
      return (Integer) o.startIndex().get();
    }

    private static int stop(Expression e) {
      Origin o = e.origin();
      return (Integer) o.stopIndex().get();
    }
  }
}
