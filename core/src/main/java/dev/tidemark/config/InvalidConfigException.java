package dev.tidemark.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration or pipeline definition that cannot run. Raised before any query starts; the CLI
 * maps it to exit code 2. The message lists every problem found, each naming its file and key.
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<ConfigProblem> problems;

  public InvalidConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidConfigException(ConfigProblem problem) {
    this(List.of(problem));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    return problems.size() == 1
        ? "invalid configuration: " + problems.get(0)
        : "invalid configuration ("
            + problems.size()
            + " problems):\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }
}
