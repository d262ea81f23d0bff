package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.PipelineFixture;
import dev.tidemark.cli.TidemarkCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Keys Tidemark does not read, includes of missing files and tables two pipelines share. */
class StrictConfigTest {
  @TempDir Path dir;

  private List<String> problems(Path conf) {
    return problems(conf, Map.of());
  }

  private List<String> problems(Path conf, Map<String, String> overrides) {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load(conf, overrides, Map.of()));
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aMistypedPipelineKeyNamesTheFileTheKeyAndTheNearestKnownKey() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("output-mode = update", "output_mode = update");

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": sink.output_mode: unknown key (line 16); did you mean `sink.output-mode`?"),
        problems(fixture.write()));
  }

  @Test
  void aKeyInTheWrongSectionIsFoundByItsLastPart() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("  output-mode = update\n}", "}\noutput-mode = update");

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": output-mode: unknown key (line 17); did you mean `sink.output-mode`?"),
        problems(fixture.write()));
  }

  @Test
  void aKeyLikeNoKnownOneListsTheKeysOfItsSection() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("output-mode = update", "colour = blue");

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": sink.colour: unknown key (line 16); known keys: [keys, output-mode,"
                + " partition-by, path, table, trigger, zorder-by]"),
        problems(fixture.write()));
  }

  @Test
  void aMistypedMainKeyNamesTheMainFile() throws IOException {
    Path conf = new PipelineFixture(dir).write();
    Files.writeString(
        conf,
        Files.readString(conf)
            .replace("kafka { bootstrap-servers", "kafka { bootstrap-server")
            .replace("startup-wait = 2 seconds", "startup-wait = 2 seconds, comit-offsets = true"));

    assertEquals(
        List.of(
            conf
                + ": tidemark.kafka.bootstrap-server: unknown key (line 5); did you mean"
                + " `tidemark.kafka.bootstrap-servers`?",
            conf
                + ": tidemark.kafka.comit-offsets: unknown key (line 5); did you mean"
                + " `tidemark.kafka.commit-offsets`?"),
        problems(conf));
  }

  @Test
  void aMistypedOverrideIsReportedToo() {
    Path conf = new PipelineFixture(dir).write();

    assertEquals(
        List.of(conf + ": tidemark.lak: unknown key (from --set); did you mean `tidemark.lake`?"),
        problems(conf, Map.of("tidemark.lak", "/tmp/lake")));
  }

  @Test
  void freeFormMapsAreNotCheckedButTheKeysBesideThemAre() throws IOException {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "watermark = 5 minutes",
                "watermark = 5 minutes\n  options { maxOffsetsPerTrigger = 10, \"kafka.any.thing\" = x }")
            .replaceInPipeline("sink {", "expectations { any-rule-name = \"amount > 0\" }\nsink {");
    Path conf = fixture.write();
    Files.writeString(
        conf,
        Files.readString(conf)
            + "tidemark.spark { \"spark.whatever.setting\" = \"1\" }\n"
            + "tidemark.kafka.options { \"kafka.security.protocol\" = SSL }\n"
            + "tidemark.bronze.options { maxOffsetsPerTrigger = 5 }\n"
            + "tidemark.bronze.option { maxOffsetsPerTrigger = 5 }\n");

    assertEquals(
        List.of(
            conf
                + ": tidemark.bronze.option: unknown key (line 13); did you mean"
                + " `tidemark.bronze.options`?"),
        problems(conf));
  }

  @Test
  void anIncludeOfAMissingFileFailsAndNamesIt() throws IOException {
    Path conf = new PipelineFixture(dir).write();
    Files.writeString(conf, "include \"prod-defaults.conf\"\n" + Files.readString(conf));

    List<String> found = problems(conf);

    assertEquals(1, found.size(), found.toString());
    assertEquals(
        true,
        found.get(0).startsWith(conf + ": cannot parse: ")
            && found.get(0).contains("prod-defaults.conf"),
        found.get(0));
  }

  @Test
  void anIncludedFileIsReadAndItsUnknownKeysNameIt() throws IOException {
    Path conf = new PipelineFixture(dir).write();
    Path included = dir.resolve("shared.conf");
    Files.writeString(included, "tidemark.backfill.kafka-timestamp-slak = 5 minutes\n");
    Files.writeString(conf, "include \"shared.conf\"\n" + Files.readString(conf));

    assertEquals(
        List.of(
            included
                + ": tidemark.backfill.kafka-timestamp-slak: unknown key (line 1); did you mean"
                + " `tidemark.backfill.kafka-timestamp-slack`?"),
        problems(conf));
  }

  @Test
  void aTableNameOrPathUsedByTwoPipelinesNamesBothFiles() throws IOException {
    PipelineFixture fixture = new PipelineFixture(dir);
    Path conf = fixture.write();
    Path copy = dir.resolve("pipelines/refunds.conf");
    Files.writeString(
        copy,
        Files.readString(fixture.pipelineFile())
            .replace("name = payments", "name = refunds")
            .replace("table = payments_5m", "table = payments_5m\n  path = gold/payments_5m/"));

    assertEquals(
        List.of(
            copy
                + ": sink.table: table 'payments_5m' is also written by pipeline 'payments' ("
                + fixture.pipelineFile()
                + "); give each pipeline its own sink.table",
            copy
                + ": sink.path: table path 'gold/payments_5m' is also written by pipeline"
                + " 'payments' ("
                + fixture.pipelineFile()
                + "); give each pipeline its own sink.path"),
        problems(conf));
  }

  @Test
  void validateExitsTwoWithTheUnknownKeyBeforeSparkStarts() {
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("output-mode = update", "output_mode = update");
    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));

    int code = cli.execute("validate", "--conf", fixture.write().toString());

    assertEquals(2, code);
    assertEquals(
        "tidemark: invalid configuration: "
            + fixture.pipelineFile()
            + ": sink.output_mode: unknown key (line 16); did you mean `sink.output-mode`?\n",
        err.toString());
  }
}
