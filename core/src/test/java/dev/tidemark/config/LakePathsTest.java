package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.PipelineFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a pipeline writes, and what it reads: a table must be a folder of its own below the lake
 * root, outside Tidemark's own areas and every other pipeline's table (a VACUUM of one would delete
 * the other's files), and topics must be names Kafka accepts (they become folders of bronze/).
 */
class LakePathsTest {
  @TempDir Path dir;

  private PipelineFixture withSinkPath(String path) {
    return new PipelineFixture(dir)
        .replaceInPipeline("table = payments_5m", "table = payments_5m\n  path = \"" + path + "\"");
  }

  private static List<ConfigProblem> problems(Path conf, Map<String, String> overrides) {
    return assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(conf, overrides))
        .problems();
  }

  @ParameterizedTest(name = "sink.path = \"{0}\"")
  @ValueSource(strings = {"", ".", "./", " ./. ", ".//."})
  void aSinkPathThatIsTheLakeRootIsRefused(String path) {
    PipelineFixture fixture = withSinkPath(path);

    assertEquals(
        List.of(
            new ConfigProblem(
                fixture.pipelineFile(),
                "sink.path",
                "'"
                    + path
                    + "' is the lake root itself; name a folder below it, e.g. gold/payments_5m")),
        problems(fixture.write(), Map.of()));
  }

  @ParameterizedTest(name = "sink.path = \"{0}\"")
  @ValueSource(
      strings = {"bronze/payments", "quarantine", "./_checkpoints/x", "_metrics", "_tidemark/x/"})
  void aSinkPathInsideTidemarksOwnAreasIsRefused(String path) {
    PipelineFixture fixture = withSinkPath(path);
    String area = path.replace("./", "").split("/")[0];

    assertEquals(
        List.of(
            new ConfigProblem(
                fixture.pipelineFile(),
                "sink.path",
                "'"
                    + path
                    + "' is inside the lake's "
                    + area
                    + "/ area, which Tidemark keeps for itself [bronze, quarantine, _checkpoints,"
                    + " _metrics, _tidemark]; use e.g. gold/payments_5m")),
        problems(fixture.write(), Map.of()));
  }

  /** A second pipeline, refunds, with its own sink path, beside the fixture's payments. */
  private Path refunds(PipelineFixture payments, String sinkPath) throws IOException {
    Path conf = payments.write();
    Files.writeString(
        dir.resolve("pipelines/refunds.conf"),
        Files.readString(payments.pipelineFile())
            .replace("name = payments", "name = refunds")
            .replace("table = payments_5m", "table = refunds_5m\n  path = \"" + sinkPath + "\""));
    return conf;
  }

  @Test
  void aTableInsideAnotherPipelinesTableIsRefusedInBothFiles() throws IOException {
    PipelineFixture payments = new PipelineFixture(dir);
    Path conf = refunds(payments, "gold/payments_5m/refunds");
    Path refundsFile = dir.resolve("pipelines/refunds.conf").toAbsolutePath().normalize();

    assertEquals(
        List.of(
            new ConfigProblem(
                payments.pipelineFile(),
                "sink.path",
                "'gold/payments_5m' contains the table of pipeline 'refunds'"
                    + " (gold/payments_5m/refunds, "
                    + refundsFile
                    + "); give each pipeline a folder of its own, e.g. gold/payments_5m"),
            new ConfigProblem(
                refundsFile,
                "sink.path",
                "'gold/payments_5m/refunds' is inside the table of pipeline 'payments'"
                    + " (gold/payments_5m, "
                    + payments.pipelineFile()
                    + "); give each pipeline a folder of its own, e.g. gold/refunds_5m")),
        problems(conf, Map.of()));
  }

  @Test
  void twoPipelinesWritingTheSameTableSpelledDifferentlyAreRefused() throws IOException {
    PipelineFixture payments = new PipelineFixture(dir);
    Path conf = refunds(payments, "./gold//payments_5m/");
    Path refundsFile = dir.resolve("pipelines/refunds.conf").toAbsolutePath().normalize();

    // Reported once, by the shared-table check, not again as one table inside the other.
    assertEquals(
        List.of(
            new ConfigProblem(
                refundsFile,
                "sink.path",
                "table path 'gold/payments_5m' is also written by pipeline 'payments' ("
                    + payments.pipelineFile()
                    + "); give each pipeline its own sink.path")),
        problems(conf, Map.of()));
  }

  @Test
  void siblingTablesWithACommonPrefixAreFine() throws IOException {
    PipelineFixture payments = new PipelineFixture(dir);
    Path conf = refunds(payments, "gold/payments_5m_refunds");

    assertEquals(
        List.of("gold/payments_5m", "gold/payments_5m_refunds"),
        ConfigLoader.load(conf).pipelines().stream().map(p -> p.sink().path()).toList());
  }

  @Test
  void aTableAroundTheCheckpointsOfTheLakeIsRefused() {
    PipelineFixture fixture = new PipelineFixture(dir);
    Path conf = fixture.write();
    String lake = ConfigLoader.normalizeLocation(dir.resolve("lake").toString());

    assertEquals(
        List.of(
            new ConfigProblem(
                fixture.pipelineFile(),
                "sink.path",
                "'gold/payments_5m' overlaps the checkpoint folder "
                    + lake
                    + "/gold/payments_5m/_cp (tidemark.checkpoints in "
                    + conf.toAbsolutePath().normalize()
                    + ")")),
        problems(conf, Map.of(ConfigKeys.CHECKPOINTS, lake + "/gold/payments_5m/_cp")));
  }

  @ParameterizedTest(name = "topic \"{0}\"")
  @ValueSource(strings = {".", "..", "a/b", "card events", "cärd", "LONG"})
  void aTopicNameKafkaWouldRefuseIsRefused(String topic) {
    String name = topic.equals("LONG") ? "t".repeat(250) : topic;
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("topics = [payments]", "topics = [payments, \"" + name + "\"]");
    String expected =
        switch (topic) {
          case ".", ".." -> "'" + name + "' is not a legal Kafka topic name";
          case "LONG" ->
              "'" + name + "' is not a legal Kafka topic name: 250 characters, at most 249";
          default ->
              "'"
                  + name
                  + "' is not a legal Kafka topic name: only ASCII letters, digits, '.', '_' and"
                  + " '-'";
        };

    assertEquals(
        List.of(new ConfigProblem(fixture.pipelineFile(), "source.topics", expected)),
        problems(fixture.write(), Map.of()));
  }

  @Test
  void legalTopicNamesUpToKafkasLimitAreAccepted() {
    String longest = "t".repeat(249);
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "topics = [payments]", "topics = [Card.Events_v2-x, \"" + longest + "\"]");

    assertEquals(
        List.of("Card.Events_v2-x", longest),
        ConfigLoader.load(fixture.write()).pipelines().get(0).source().topics());
  }
}
