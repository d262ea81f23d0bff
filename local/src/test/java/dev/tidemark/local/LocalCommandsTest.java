package dev.tidemark.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.cli.ProductCommandsTest;
import dev.tidemark.cli.TidemarkCli;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tidemark-local on the classpath adds demo and generate, found as a service (D42). */
class LocalCommandsTest {
  @Test
  void demoAndGenerateFollowTheProductsCommands() {
    List<String> names = List.copyOf(TidemarkCli.commandLine().getSubcommands().keySet());

    List<String> expected = new ArrayList<>(ProductCommandsTest.PRODUCT);
    expected.addAll(List.of("demo", "generate"));
    assertEquals(expected, names);
  }
}
