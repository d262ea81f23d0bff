package dev.tidemark.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pieces of Spark's extended explain text ({@code == Optimized Logical Plan ==}, {@code == Physical
 * Plan ==}) and the operators in them that matter to a stream: its state operators and watermark.
 * Pure text functions; Spark's plan objects of a streaming query are not reachable from outside its
 * own explain.
 */
public final class PlanText {
  public static final String OPTIMIZED = "== Optimized Logical Plan ==";
  public static final String PHYSICAL = "== Physical Plan ==";

  /** Spark's operators that keep state between micro-batches. */
  private static final Pattern STATE_OPERATOR =
      Pattern.compile(
          "\\b(StateStoreRestore|StateStoreSave|SessionWindowStateStoreRestore"
              + "|SessionWindowStateStoreSave|StreamingDeduplicate\\w*|StreamingSymmetricHashJoin"
              + "|FlatMapGroupsWithState|TransformWithState\\w*|StreamingGlobalLimit)\\b.*");

  private static final Pattern WATERMARK = Pattern.compile("\\bEventTimeWatermark\\b.*");

  private PlanText() {}

  /** The section of an extended explain text under {@code header}, up to the next header. */
  public static String section(String explain, String header) {
    int start = explain.indexOf(header);
    if (start < 0) {
      return "";
    }
    int body = start + header.length();
    int next = explain.indexOf("\n== ", body);
    return explain.substring(body, next < 0 ? explain.length() : next).strip();
  }

  /** The state operators of a physical plan, one line each, outermost first. */
  public static List<String> stateOperators(String physicalPlan) {
    return matches(physicalPlan, STATE_OPERATOR);
  }

  /** The event-time watermark operators of a plan (column and delay), one line each. */
  public static List<String> watermarks(String plan) {
    return matches(plan, WATERMARK);
  }

  private static List<String> matches(String plan, Pattern pattern) {
    Matcher m = pattern.matcher(plan);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group().strip());
    }
    return List.copyOf(found);
  }
}
