package dev.tidemark.local;

import dev.tidemark.cli.CommandProvider;
import java.util.List;

/**
 * Adds {@code demo} and {@code generate} to the {@code tidemark} command line when tidemark-local
 * is on the classpath (META-INF/services, D42).
 */
public final class LocalCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new DemoCommand(), new GenerateCommand());
  }

  /** Demo and generate, what a new user tries first, right after the product's commands. */
  @Override
  public int order() {
    return 1;
  }
}
