package dev.tidemark.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.spark.sql.catalyst.analysis.UnresolvedExecuteImmediate;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.CTEInChildren;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.CompoundBody;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.TransactionalWrite;
import org.apache.spark.sql.execution.SparkSqlParser;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Accepts a pipeline's SQL only when Spark's own parser reads it as one query: a plan with no
 * command anywhere in it, including inside a {@code WITH} clause and in subqueries. A command is
 * any DDL, DML, {@code SET}, {@code CACHE}, {@code INSERT ... DIRECTORY}, {@code EXECUTE IMMEDIATE}
 * or script node. Parsing executes nothing, so a pipeline that is not a query is refused before
 * Spark is asked to analyse it ({@code spark.sql} runs commands eagerly).
 */
public final class QueryOnly {
  private QueryOnly() {}

  /** Why {@code sql} is not one query, or empty when it is. Uses Spark's default SQL parser. */
  public static Optional<String> problem(String sql) {
    return problem(new SparkSqlParser(), sql);
  }

  /** Why {@code sql} is not one query for this parser (e.g. a session's, with Delta's syntax). */
  public static Optional<String> problem(ParserInterface parser, String sql) {
    LogicalPlan plan;
    try {
      plan = parser.parsePlan(sql);
    } catch (Exception e) { // ParseException is thrown undeclared from Scala
      return Optional.of(
          "Spark cannot parse it as one statement: "
              + PipelineFileReader.firstLine(String.valueOf(e.getMessage()).strip()));
    }
    return statementIn(plan).map(node -> "found " + node + ", which is not a query");
  }

  /** The name of the first command node in {@code plan} (depth first), if any. */
  static Optional<String> statementIn(LogicalPlan plan) {
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    todo.push(plan);
    while (!todo.isEmpty()) {
      LogicalPlan node = todo.pop();
      if (isStatement(node)) {
        return Optional.of(node.nodeName());
      }
      for (LogicalPlan child : CollectionConverters.asJava(node.children())) {
        todo.push(child);
      }
      // The relations of a WITH clause are inner children, not children.
      for (QueryPlan<?> inner : CollectionConverters.asJava(node.innerChildren())) {
        if (inner instanceof LogicalPlan p) {
          todo.push(p);
        }
      }
      for (LogicalPlan sub : CollectionConverters.asJava(node.subqueries())) {
        todo.push(sub);
      }
    }
    return Optional.empty();
  }

  private static boolean isStatement(LogicalPlan node) {
    return node instanceof Command // DDL, DELETE, UPDATE, MERGE, SET, CACHE, CTAS, DROP, ...
        || node instanceof ParsedStatement // INSERT INTO / OVERWRITE
        || node instanceof TransactionalWrite
        || node instanceof CTEInChildren // plans that write (INSERT ... DIRECTORY)
        || node instanceof InsertIntoDir
        || node instanceof UnresolvedExecuteImmediate
        || node instanceof CompoundBody;
  }
}
