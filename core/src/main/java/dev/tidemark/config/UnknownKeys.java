package dev.tidemark.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds keys a configuration sets that Tidemark does not read (a typo such as {@code output_mode}
 * is otherwise ignored silently) and names the nearest known key. The values of free-form maps
 * ({@link ConfigKeys#FREE_FORM}: Spark settings, source options, expectations) are not checked.
 */
final class UnknownKeys {
  private UnknownKeys() {}

  /**
   * The unknown keys under {@code object} (whose own path is {@code prefix}, empty for the root),
   * given the known leaf keys; each problem names the file the key was set in (its origin, else
   * {@code file}) and its line.
   */
  static List<ConfigProblem> find(
      ConfigObject object, List<String> prefix, List<String> known, Path file) {
    List<ConfigProblem> problems = new ArrayList<>();
    walk(object, prefix, known, file, problems);
    return problems;
  }

  private static void walk(
      ConfigObject object,
      List<String> prefix,
      List<String> known,
      Path file,
      List<ConfigProblem> problems) {
    for (Map.Entry<String, ConfigValue> e : new java.util.TreeMap<>(object).entrySet()) {
      List<String> segments = new ArrayList<>(prefix);
      segments.add(e.getKey());
      String path = ConfigUtil.joinPath(segments);
      if (known.contains(path)) {
        continue; // a known key (its value is checked where it is read) or a free-form map
      }
      if (known.stream().anyMatch(k -> k.startsWith(path + "."))) {
        if (e.getValue() instanceof ConfigObject child) {
          walk(child, segments, known, file, problems);
        }
        continue; // a known section set to a plain value: its keys are reported missing
      }
      problems.add(problem(path, e.getValue().origin(), known, file));
    }
  }

  private static ConfigProblem problem(
      String path, ConfigOrigin origin, List<String> known, Path file) {
    Path where = file;
    String line = "";
    if (origin != null && origin.filename() != null) {
      where = Path.of(origin.filename()).toAbsolutePath().normalize();
    } else if (origin != null && origin.description() != null) {
      line = " (from " + origin.description() + ")";
    }
    if (origin != null && origin.lineNumber() > 0 && origin.filename() != null) {
      line = " (line " + origin.lineNumber() + ")";
    }
    String nearest = nearest(path, known);
    String hint =
        nearest != null
            ? "did you mean `" + nearest + "`?"
            : "known keys: " + siblings(path, known);
    return new ConfigProblem(where, path, "unknown key" + line + "; " + hint);
  }

  /** The known key closest to {@code path}, or null when none is close enough to be a typo. */
  static String nearest(String path, List<String> known) {
    String last = last(path);
    int threshold = Math.max(2, last.length() / 3);
    return known.stream()
        .map(k -> Map.entry(k, Math.min(distance(path, k), distance(last, last(k)) + 1)))
        .filter(e -> e.getValue() <= threshold)
        .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue()))
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /** The known keys in the section of {@code path} (or every known key when it has none). */
  private static List<String> siblings(String path, List<String> known) {
    int dot = path.lastIndexOf('.');
    String section = dot < 0 ? "" : path.substring(0, dot + 1);
    TreeSet<String> out = new TreeSet<>();
    for (String k : known) {
      if (k.startsWith(section)) {
        String rest = k.substring(section.length());
        int next = rest.indexOf('.');
        out.add(next < 0 ? rest : rest.substring(0, next));
      }
    }
    return List.copyOf(out);
  }

  private static String last(String path) {
    List<String> parts = ConfigUtil.splitPath(path);
    return parts.get(parts.size() - 1);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
