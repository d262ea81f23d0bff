package dev.tidemark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.cli.TidemarkCli;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With tidemark-local and tidemark-bench on the classpath, the usage help lists the product's
 * commands, then demo and generate, then bench (CommandProvider.order, not the class names).
 */
class BenchCommandsTest {
  @Test
  void benchIsListedAfterDemoAndGenerate() {
    List<String> names = List.copyOf(TidemarkCli.commandLine().getSubcommands().keySet());

    assertEquals(
        List.of("demo", "generate", "bench"), names.subList(names.size() - 3, names.size()));
    assertEquals(names.size() - 3, names.indexOf("demo"), "no product command after demo");
  }
}
