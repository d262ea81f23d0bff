package dev.tidemark.pipeline;

import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts the expressions of a logical plan that match, in every node and nested expression, the
 * optimizer's copies included: how the decoder tests count parses per record.
 */
final class PlanExpressions {
  private PlanExpressions() {}

  static int count(LogicalPlan plan, Predicate<Expression> which) {
    int n = 0;
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      n += count(e, which);
    }
    for (LogicalPlan c : CollectionConverters.asJava(plan.children())) {
      n += count(c, which);
    }
    return n;
  }

  private static int count(Expression e, Predicate<Expression> which) {
    int n = which.test(e) ? 1 : 0;
    for (Expression c : CollectionConverters.asJava(e.children())) {
      n += count(c, which);
    }
    return n;
  }
}
