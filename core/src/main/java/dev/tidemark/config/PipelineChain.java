package dev.tidemark.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pipelines that read pipelines ({@code source.pipeline}, D39): which pipeline reads which, in
 * which order they run, and what makes a chain invalid. Pure; {@link ConfigLoader} applies it to
 * every configuration, so every command refuses a bad chain (exit 2) before Spark starts.
 *
 * <p>A chain is invalid when a pipeline names an upstream that is not declared, when pipelines read
 * each other in a cycle (a pipeline reading itself included), or when the upstream writes in update
 * mode: a Delta table streamed as a source shows only appends, and an update-mode pipeline rewrites
 * its rows (replaceWhere, MERGE), which a downstream stream could only skip or count twice.
 */
public final class PipelineChain {
  private PipelineChain() {}

  /**
   * The problems of the chains among {@code pipelines}: unknown upstreams, update-mode upstreams,
   * cycles; each names the file and the key {@code source.pipeline}.
   */
  public static List<ConfigProblem> problems(List<PipelineSpec> pipelines) {
    Map<String, PipelineSpec> byName = byName(pipelines);
    List<ConfigProblem> problems = new ArrayList<>();
    for (PipelineSpec p : pipelines) {
      String up = p.source().pipeline();
      if (up == null) {
        continue;
      }
      PipelineSpec upstream = byName.get(up);
      if (upstream == null) {
        problems.add(
            new ConfigProblem(
                p.file(),
                ConfigKeys.SOURCE_PIPELINE,
                "no pipeline named '" + up + "'; declared: " + byName.keySet()));
      } else if (upstream.sink().outputMode() == OutputMode.UPDATE) {
        problems.add(
            new ConfigProblem(
                p.file(),
                ConfigKeys.SOURCE_PIPELINE,
                "pipeline '"
                    + up
                    + "' writes in update mode ("
                    + upstream.file()
                    + "): it rewrites its rows as late events arrive, and a Delta table streamed"
                    + " as a source shows only appended rows, so this pipeline would miss or"
                    + " double-count the rewrites. Make '"
                    + up
                    + "' append mode (sink.output-mode = append: each window written once, final)"));
      }
    }
    for (List<String> cycle : cycles(pipelines, byName)) {
      PipelineSpec first = byName.get(cycle.get(0));
      problems.add(
          new ConfigProblem(
              first.file(),
              ConfigKeys.SOURCE_PIPELINE,
              "pipelines read each other in a cycle: "
                  + String.join(" reads ", cycle)
                  + "; a pipeline cannot read its own output, directly or through others"));
    }
    return problems;
  }

  /**
   * {@code pipelines} with every upstream before the pipelines that read it, otherwise in their
   * given order (a stable topological order). Pipelines in a cycle keep their order (a chain with a
   * cycle fails {@link #problems} anyway).
   */
  public static List<PipelineSpec> upstreamFirst(List<PipelineSpec> pipelines) {
    Map<String, PipelineSpec> byName = byName(pipelines);
    Set<String> placed = new LinkedHashSet<>();
    for (PipelineSpec p : pipelines) {
      place(p, byName, placed, new LinkedHashSet<>());
    }
    return placed.stream().map(byName::get).toList();
  }

  private static void place(
      PipelineSpec p, Map<String, PipelineSpec> byName, Set<String> placed, Set<String> visiting) {
    if (placed.contains(p.name()) || !visiting.add(p.name())) {
      return;
    }
    PipelineSpec up = p.source().pipeline() == null ? null : byName.get(p.source().pipeline());
    if (up != null) {
      place(up, byName, placed, visiting);
    }
    placed.add(p.name());
  }

  /** The pipelines that read {@code upstream}'s table directly, in configuration order. */
  public static List<PipelineSpec> readersOf(List<PipelineSpec> pipelines, String upstream) {
    return pipelines.stream().filter(p -> upstream.equals(p.source().pipeline())).toList();
  }

  /** The upstream pipeline {@code spec} reads, if it reads one. */
  public static Optional<PipelineSpec> upstreamOf(List<PipelineSpec> pipelines, PipelineSpec spec) {
    String up = spec.source().pipeline();
    return up == null
        ? Optional.empty()
        : pipelines.stream().filter(p -> p.name().equals(up)).findFirst();
  }

  /** Each cycle once, as names from its first pipeline (in configuration order) back to it. */
  private static List<List<String>> cycles(
      List<PipelineSpec> pipelines, Map<String, PipelineSpec> byName) {
    List<List<String>> cycles = new ArrayList<>();
    Set<String> inCycle = new LinkedHashSet<>();
    for (PipelineSpec start : pipelines) {
      if (inCycle.contains(start.name())) {
        continue;
      }
      List<String> path = new ArrayList<>(List.of(start.name()));
      PipelineSpec at = start;
      while (at.source().pipeline() != null && byName.containsKey(at.source().pipeline())) {
        String next = at.source().pipeline();
        if (next.equals(start.name())) {
          path.add(next);
          cycles.add(List.copyOf(path));
          inCycle.addAll(path);
          break;
        }
        if (path.contains(next)) {
          break; // a cycle further up, found from one of its own members
        }
        path.add(next);
        at = byName.get(next);
      }
    }
    return cycles;
  }

  private static Map<String, PipelineSpec> byName(List<PipelineSpec> pipelines) {
    Map<String, PipelineSpec> byName = new LinkedHashMap<>();
    pipelines.forEach(p -> byName.putIfAbsent(p.name(), p));
    return byName;
  }
}
