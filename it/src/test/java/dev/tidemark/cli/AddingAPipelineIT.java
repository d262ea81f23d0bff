package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.InProcessCli;
import dev.tidemark.TestKafka;
import dev.tidemark.TestSpark;
import dev.tidemark.local.EventProducer;
import dev.tidemark.local.GeneratedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's worked example of "Adding a pipeline", read from README.md and run line by line as
 * written, in a folder of its own (its {@code conf/} holds the configuration, so the checkout's
 * conf/pipelines is not touched): shell lines run in bash there; {@code scripts/tidemark} lines run
 * in this JVM with the arguments bash expands, plus {@code --conf} for that folder and the test
 * broker; the Kafka console producer line is replaced by this test's producer of the same file (no
 * Kafka distribution here); {@code pip install ./python} is the install the notebook venv already
 * has (scripts/notebook-test installs python/ into it), whose {@code python3} runs the last line.
 */
class AddingAPipelineIT {
  private static final Path VENV = TestSpark.projectDir().resolve("target/notebook-venv");

  @Test
  void theReadmesWorkedExampleRunsAsWritten() throws Exception {
    Path dir = TestSpark.projectDir().resolve("target/worked-example-" + System.nanoTime());
    Files.createDirectories(dir.resolve("conf/pipelines"));
    Path lake = dir.resolve("lake");
    Files.writeString(
        dir.resolve("conf/tidemark.conf"),
        "include file(\""
            + TestSpark.projectDir().resolve("conf/local.conf")
            + "\")\n"
            + "tidemark.lake = \""
            + lake
            + "\"\n"
            + "tidemark.kafka.commit-offsets = false\n");
    TestKafka.broker().createTopics(List.of("orders"), 1);
    String python = null;
    for (String line : commands(Files.readString(TestSpark.projectDir().resolve("README.md")))) {
      if (line.startsWith("scripts/tidemark ")) {
        List<String> args =
            new ArrayList<>(expand(dir, line.substring("scripts/tidemark ".length())));
        args.replaceAll(a -> Files.isRegularFile(dir.resolve(a)) ? dir.resolve(a).toString() : a);
        args.addAll(
            List.of(
                "--conf",
                dir.resolve("conf/tidemark.conf").toString(),
                "--set",
                "tidemark.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers()));
        InProcessCli.Result r = InProcessCli.run(args.toArray(String[]::new));
        System.out.println("$ " + line + "\n" + r.out());
        assertEquals(0, r.exitCode(), line + "\n" + r.out() + r.err());
        if (line.contains("--dry-run")) {
          assertTrue(r.out().contains("nothing was written"), r.out());
        }
      } else if (line.startsWith("kafka-console-producer.sh ")) {
        List<GeneratedEvent> records = new ArrayList<>();
        for (String json : Files.readAllLines(dir.resolve("orders.jsonl"))) {
          records.add(
              new GeneratedEvent(
                  null,
                  json.getBytes(StandardCharsets.UTF_8),
                  System.currentTimeMillis(),
                  Instant.now(),
                  GeneratedEvent.Kind.ON_TIME));
        }
        EventProducer.send(TestKafka.broker().bootstrapServers(), "orders", records);
      } else if (line.startsWith("pip install ./python")) {
        awaitVenv();
      } else if (line.startsWith("python3 ")) {
        python = bash(dir, line, lake);
        System.out.println("$ " + line + "\n" + python);
      } else {
        bash(dir, line, lake);
      }
    }
    // The table read from Python by its pipeline's name: c-7's two orders in one window, c-9's one.
    assertTrue(python != null, "README's worked example has no python3 line");
    Pattern expected =
        Pattern.compile(
            "customer +window_start +events +total_amount\n"
                + " +c-7 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d0:00\\+00:00 +2 +20\\.0\n"
                + " +c-9 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d0:00\\+00:00 +1 +20\\.0\n");
    assertTrue(expected.matcher(python).matches(), python);
  }

  /** The shell lines between the README's worked-example markers, continuations joined. */
  static List<String> commands(String readme) {
    int from = readme.indexOf("<!-- worked-example:begin -->");
    int to = readme.indexOf("<!-- worked-example:end -->");
    assertTrue(from >= 0 && to > from, "README.md has no worked example");
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : readme.substring(from, to).split("\n")) {
      String line = raw.strip();
      if (current.isEmpty()
          && (line.isEmpty()
              || line.startsWith("#")
              || line.startsWith("```")
              || line.startsWith("<!--"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      lines.add(current.append(line).toString());
      current.setLength(0);
    }
    return lines;
  }

  /** The words bash makes of {@code args} (quotes, command substitutions) in {@code dir}. */
  private static List<String> expand(Path dir, String args) throws Exception {
    String out = bash(dir, "for a in " + args + "; do printf '%s\\n' \"$a\"; done", null);
    return List.of(out.split("\n"));
  }

  private static String bash(Path dir, String line, Path lake) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; " + line);
    pb.directory(dir.toFile());
    pb.environment().put("PATH", VENV.resolve("bin") + ":" + System.getenv("PATH"));
    if (lake != null) {
      pb.environment().put("TIDEMARK_LAKE", lake.toString());
    }
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), line);
    assertEquals(0, p.exitValue(), line + "\n" + out + Files.readString(err));
    return out;
  }

  /**
   * The notebook venv, with python/ installed: scripts/test builds it beside {@code mvn verify}, so
   * it may still be on its way; a targeted run needs {@code scripts/notebook-test --venv-only}.
   */
  private static void awaitVenv() throws InterruptedException, IOException {
    Path done = VENV.resolve(".requirements.sha256");
    // Being built: the folder exists within seconds of the start; the marker is written last.
    for (int i = 0; i < 600 && !Files.exists(done) && (i < 60 || Files.isDirectory(VENV)); i++) {
      Thread.sleep(1000);
    }
    assertTrue(
        Files.exists(done),
        "no notebook venv with python/ installed: run scripts/notebook-test --venv-only first");
  }
}
