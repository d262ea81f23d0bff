package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The product's command line, on core's classpath alone (as in the cluster jar, D42). */
public class ProductCommandsTest {
  /** Tidemark's own commands in the order of the usage help. */
  public static final List<String> PRODUCT =
      List.of(
          "stream",
          "backfill",
          "repair",
          "reset",
          "ingest",
          "validate",
          "explain",
          "init",
          "completion",
          "status",
          "maintain");

  @Test
  void withoutLocalAndBenchOnlyTheProductsCommands() {
    assertEquals(PRODUCT, List.copyOf(TidemarkCli.commandLine().getSubcommands().keySet()));
  }
}
