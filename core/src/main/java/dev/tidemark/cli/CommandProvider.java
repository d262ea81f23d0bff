package dev.tidemark.cli;

import java.util.List;

/**
 * Commands that a module beside the product adds to the {@code tidemark} command line: {@code
 * tidemark-local} adds {@code demo} and {@code generate}, {@code tidemark-bench} adds {@code bench}
 * (D42). {@link TidemarkCli} finds them with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.tidemark.cli.CommandProvider} file in the module's jar), so a classpath
 * without those modules, such as the cluster jar's, has the production commands only.
 */
public interface CommandProvider {
  /** New instances of the picocli commands to add (each class annotated with {@code @Command}). */
  List<Object> commands();

  /**
   * Where these commands are listed in the usage help, after Tidemark's own: lower first (ties by
   * class name), so that it does not depend on the classpath order.
   */
  default int order() {
    return 0;
  }
}
