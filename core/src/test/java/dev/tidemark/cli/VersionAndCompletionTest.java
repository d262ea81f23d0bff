package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VersionAndCompletionTest {
  @TempDir Path dir;

  private static String out(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertEquals(0, cli.execute(args));
    return out.toString();
  }

  @Test
  void versionIsTheBuildsProjectVersion() {
    List<String> lines = out("--version").lines().toList();

    assertEquals("tidemark " + System.getProperty("project.version"), lines.get(0));
    assertEquals(
        "built with Spark 4.2.0 and Delta 4.4.0; running on Spark 4.2.0, Java "
            + System.getProperty("java.version"),
        lines.get(1));
    assertEquals(2, lines.size());
  }

  @Test
  void aCommandNamedFirstIsBuiltAloneWithTheSameUsageAndCompletionGetsEveryCommand() {
    CommandLine all = TidemarkCli.commandLine();
    for (String name : all.getSubcommands().keySet()) {
      CommandLine cli = TidemarkCli.commandLine(name, "--help");
      Set<String> commands = cli.getSubcommands().keySet();
      if (commands.size() == 1) {
        assertEquals(Set.of(name), commands, "built alone under its own name");
        assertEquals(
            all.getSubcommands().get(name).getUsageMessage(),
            cli.getSubcommands().get(name).getUsageMessage(),
            name);
      } else {
        assertEquals(all.getSubcommands().keySet(), commands, name);
      }
    }
    assertEquals(Set.of("status"), TidemarkCli.commandLine("status").getSubcommands().keySet());
    assertEquals(
        all.getSubcommands().keySet(),
        TidemarkCli.commandLine("completion").getSubcommands().keySet(),
        "the completion script lists every command");
    assertEquals(
        all.getSubcommands().keySet(), TidemarkCli.commandLine("--help").getSubcommands().keySet());
    assertEquals(
        all.getSubcommands().keySet(), TidemarkCli.commandLine("stat").getSubcommands().keySet());
  }

  /** Completes the words in bash with the generated script; returns COMPREPLY. */
  private String complete(Path script, String line) throws Exception {
    String[] words = line.split(" ", -1);
    String bash =
        "source "
            + script
            + " 2>/dev/null; COMP_LINE='"
            + line
            + "'; COMP_WORDS=("
            + String.join(" ", List.of(words).stream().map(w -> "'" + w + "'").toList())
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; _complete_tidemark 2>/dev/null; echo \"${COMPREPLY[@]}\"";
    Process p = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
    String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), result);
    return result;
  }

  @Test
  void completionPrintsABashScriptThatCompletesCommandsAndOptions() throws Exception {
    String script = out("completion");
    Path file = Files.writeString(dir.resolve("tidemark_completion"), script);

    assertTrue(script.startsWith("#!/usr/bin/env bash\n"), script);
    assertTrue(
        script.contains("\ncomplete -F _complete_tidemark -o default tidemark tidemark.sh"),
        script);
    assertEquals("validate", complete(file, "tidemark va"));
    assertEquals("ingest init", complete(file, "tidemark in"));
    assertEquals("init", complete(file, "tidemark ini"));
    assertEquals("--mode", complete(file, "tidemark init x --mo"));
    assertEquals("--from", complete(file, "tidemark backfill --fr"));
  }
}
