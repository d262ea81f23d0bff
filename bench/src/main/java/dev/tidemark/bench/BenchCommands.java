package dev.tidemark.bench;

import dev.tidemark.cli.CommandProvider;
import java.util.List;

/**
 * Adds {@code bench} to the {@code tidemark} command line when tidemark-bench is on the classpath
 * (META-INF/services, D42).
 */
public final class BenchCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new BenchCommand());
  }

  /** Bench last. */
  @Override
  public int order() {
    return 2;
  }
}
