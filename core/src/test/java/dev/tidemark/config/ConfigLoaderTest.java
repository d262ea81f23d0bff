package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.PipelineFixture;
import dev.tidemark.SamplePipelines;
import dev.tidemark.cli.TidemarkCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final Path SHIPPED = Path.of("conf/local.conf");

  /** Overrides plus the samples-only pipelines folder (a user's own pipelines never count). */
  private static Map<String, String> samples(Map<String, String> overrides) {
    Map<String, String> all = new java.util.HashMap<>(overrides);
    all.putAll(SamplePipelines.overrides());
    return all;
  }

  @Test
  void shippedConfigurationDeclaresTheThreeSamplePipelines() {
    TidemarkConfig config = ConfigLoader.load(SHIPPED, samples(Map.of()));

    assertEquals(
        List.of("card-velocity", "page-analytics", "sensor-readings"),
        config.pipelines().stream().map(PipelineSpec::name).toList());
    PipelineSpec cards = config.pipeline("card-velocity").orElseThrow();
    assertEquals(List.of("card-transactions"), cards.source().topics());
    assertEquals("event_time", cards.source().eventTimeColumn());
    assertEquals(Duration.ofMinutes(5), cards.source().watermarkDelay());
    assertEquals(
        new WindowSpec(
            WindowSpec.Type.SLIDING, Duration.ofMinutes(10), Duration.ofMinutes(1), "window_start"),
        cards.window());
    assertEquals(OutputMode.UPDATE, cards.sink().outputMode());
    assertEquals(List.of("card_id", "window_start"), cards.sink().keys());
    assertTrue(cards.sql().contains("FROM events"));
    assertEquals("1000000", cards.source().options().get("maxOffsetsPerTrigger"));
    assertEquals(
        OutputMode.APPEND, config.pipeline("sensor-readings").orElseThrow().sink().outputMode());
    assertEquals("local[2]", config.sparkConf().get("spark.master"));
    assertEquals(
        "io.delta.sql.DeltaSparkSessionExtension", config.sparkConf().get("spark.sql.extensions"));
  }

  @Test
  void relativeLakeBecomesAnAbsoluteFileUriAndCheckpointsFollowIt() {
    TidemarkConfig config =
        ConfigLoader.load(SHIPPED, samples(Map.of(ConfigKeys.LAKE, "target/some-lake")));

    String expected = "file:" + Path.of("target/some-lake").toAbsolutePath().normalize();
    assertEquals(expected, config.lake());
    assertEquals(expected + "/_checkpoints", config.checkpoints());
    PipelineSpec cards = config.pipeline("card-velocity").orElseThrow();
    assertEquals(expected + "/gold/card_velocity", config.tablePath(cards));
    assertEquals(
        expected + "/_checkpoints/card-velocity/gold", config.checkpointPath(cards, "gold"));
  }

  @Test
  void bronzeIsOnByDefaultOnePathPerTopicAndABadSwitchNamesItsKey() {
    TidemarkConfig config =
        ConfigLoader.load(SHIPPED, samples(Map.of(ConfigKeys.LAKE, "target/some-lake")));

    assertTrue(config.bronze().enabled());
    assertEquals(TriggerSpec.every(Duration.ofMinutes(1)), config.bronze().trigger());
    assertEquals("1 minute", config.bronze().trigger().toString(), "as people write it");
    assertTrue(config.bronzePath("card-transactions").endsWith("/bronze/card-transactions"));
    assertTrue(
        config
            .bronzeCheckpointPath("card-transactions")
            .endsWith("/_checkpoints/_bronze/card-transactions"));
    TidemarkConfig off =
        ConfigLoader.load(
            SHIPPED,
            samples(
                Map.of(
                    ConfigKeys.BRONZE_ENABLED,
                    "false",
                    ConfigKeys.BRONZE_TRIGGER,
                    "available-now")));
    assertEquals(false, off.bronze().enabled());
    assertTrue(off.bronze().trigger().availableNow());

    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(SHIPPED, samples(Map.of(ConfigKeys.BRONZE_ENABLED, "yes"))));
    assertTrue(
        e.getMessage().contains(ConfigKeys.BRONZE_ENABLED) && e.getMessage().contains("'yes'"),
        e.getMessage());
  }

  @Test
  void overridesWinOverSystemPropertiesWhichWinOverTheFile() {
    System.setProperty("tidemark.kafka.bootstrap-servers", "from-property:9092");
    try {
      assertEquals(
          "from-property:9092", ConfigLoader.load(SHIPPED, samples(Map.of())).bootstrapServers());
      assertEquals(
          "from-override:9092",
          ConfigLoader.load(
                  SHIPPED,
                  samples(Map.of(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "from-override:9092")))
              .bootstrapServers());
    } finally {
      System.clearProperty("tidemark.kafka.bootstrap-servers");
    }
    assertEquals(
        "localhost:9092", ConfigLoader.load(SHIPPED, samples(Map.of())).bootstrapServers());
  }

  @Test
  void s3aLakeIsKeptAsGiven() {
    TidemarkConfig config =
        ConfigLoader.load(SHIPPED, samples(Map.of(ConfigKeys.LAKE, "s3a://bucket/lake/")));
    assertEquals("s3a://bucket/lake", config.lake());
  }

  @Test
  void aGoodFixtureLoads() {
    TidemarkConfig config = ConfigLoader.load(new PipelineFixture(dir).write());
    assertEquals("payments", config.pipelines().get(0).name());
    assertEquals("gold/payments_5m", config.pipelines().get(0).sink().path());
  }

  @Test
  void missingRequiredFieldNamesTheFileAndTheKey() {
    PipelineFixture fixture = new PipelineFixture(dir).replaceInPipeline("topics = [payments]", "");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write()));

    assertProblem(e, fixture.pipelineFile(), "source.topics", "is required");
  }

  @Test
  void aTopicPatternReplacesTheTopicsAndExactlyOneOfThemIsGiven() {
    PipelineFixture pattern =
        new PipelineFixture(dir)
            .replaceInPipeline("topics = [payments]", "topic-pattern = \"payments-(eu|us)\"");
    PipelineSpec spec = ConfigLoader.load(pattern.write()).pipelines().get(0);
    assertEquals("payments-(eu|us)", spec.source().topicPattern());
    assertEquals(List.of(), spec.source().topics());

    PipelineFixture both =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "topics = [payments]", "topics = [payments]\n  topic-pattern = \"payments-.*\"");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(both.write()));
    assertProblem(e, both.pipelineFile(), "source.topic-pattern", "not both");

    PipelineFixture bad =
        new PipelineFixture(dir)
            .replaceInPipeline("topics = [payments]", "topic-pattern = \"payments-(eu\"");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(bad.write()));
    assertProblem(e, bad.pipelineFile(), "source.topic-pattern", "not a Java regular expression");

    PipelineFixture generated =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "topics = [payments]",
                "topic-pattern = \"payments-.*\"\n}\ndemo.generator = card-transactions\nsource {");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(generated.write()));
    assertProblem(e, generated.pipelineFile(), "demo.generator", "needs source.topics");

    PipelineFixture neither = new PipelineFixture(dir).replaceInPipeline("topics = [payments]", "");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(neither.write()));
    assertProblem(e, neither.pipelineFile(), "source.topics", "(or source.topic-pattern)");
  }

  /** Writes pipeline {@code name} reading pipeline {@code upstream} (D39); returns its file. */
  private Path reader(String name, String upstream) throws java.io.IOException {
    Path file = dir.resolve("pipelines/" + name + ".conf");
    java.nio.file.Files.writeString(
        file,
        """
        source {
          pipeline = UPSTREAM
          schema = "card_id STRING, window_start TIMESTAMP, total DECIMAL(22,2)"
          event-time = window_start
          watermark = 10 minutes
        }
        query.window { type = tumbling, size = 1 hour }
        sink { partition-by = [window_date], keys = [card_id, window_start] }
        """
            .replace("UPSTREAM", upstream));
    java.nio.file.Files.writeString(
        dir.resolve("pipelines/" + name + ".sql"),
        "SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,"
            + " sum(total) AS total FROM events GROUP BY card_id, window(window_start, '1 hour')");
    return file.toAbsolutePath().normalize();
  }

  @Test
  void aPipelineReadsAnAppendModePipelineWhichComesFirstAndNeverInACycle() throws Exception {
    // a-hourly sorts before payments by file name; the upstream still comes first.
    PipelineFixture appendMode =
        new PipelineFixture(dir).replaceInPipeline("output-mode = update", "output-mode = append");
    Path conf = appendMode.write();
    Path hourly = reader("a-hourly", "payments");
    TidemarkConfig config = ConfigLoader.load(conf);
    assertEquals(
        List.of("payments", "a-hourly"),
        config.pipelines().stream().map(PipelineSpec::name).toList());
    PipelineSpec spec = config.pipeline("a-hourly").orElseThrow();
    assertEquals("payments", spec.source().pipeline());
    assertEquals(List.of(), spec.source().topics());

    // An update-mode upstream rewrites rows a Delta stream cannot follow.
    Path update = new PipelineFixture(dir).write();
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(update));
    assertProblem(e, hourly, "source.pipeline", "writes in update mode");
    assertProblem(e, hourly, "source.pipeline", "Make 'payments' append mode");

    appendMode.write();
    reader("a-hourly", "refunds");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(conf));
    assertProblem(e, hourly, "source.pipeline", "no pipeline named 'refunds'");

    reader("a-hourly", "b-daily");
    reader("b-daily", "a-hourly");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(conf));
    assertProblem(
        e,
        hourly,
        "source.pipeline",
        "pipelines read each other in a cycle: a-hourly reads b-daily reads a-hourly");
    assertEquals(1, e.problems().size(), e.getMessage());

    reader("b-daily", "b-daily");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(conf));
    assertProblem(e, reader("b-daily", "b-daily"), "source.pipeline", "b-daily reads b-daily");

    PipelineFixture both =
        new PipelineFixture(dir)
            .replaceInPipeline("topics = [payments]", "topics = [payments]\n  pipeline = b-daily");
    e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(both.write()));
    assertProblem(e, both.pipelineFile(), "source.pipeline", "not both");
  }

  @Test
  void unparsableSchemaIsReportedWithSparksReason() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("amount DECIMAL(12,2)", "amount DECIMAL(12,2, event_time TIMESTAMP");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write()));

    assertProblem(e, fixture.pipelineFile(), "source.schema", "cannot parse the schema");
  }

  @Test
  void eventTimeMustBeATimestampColumnOfTheSchema() {
    PipelineFixture missing =
        new PipelineFixture(dir).replaceInPipeline("event-time = event_time", "event-time = ts");
    assertProblem(
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(missing.write())),
        missing.pipelineFile(),
        "source.event-time",
        "'ts' is not in source.schema");

    PipelineFixture wrongType =
        new PipelineFixture(dir).replaceInPipeline("event_time TIMESTAMP", "event_time STRING");
    assertProblem(
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(wrongType.write())),
        wrongType.pipelineFile(),
        "source.event-time",
        "must be TIMESTAMP");
  }

  @Test
  void withoutSqlChecksABrokenSchemaAndSqlLoadAsTextWhileEveryOtherKeyIsStillChecked() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("amount DECIMAL(12,2)", "amount DECIMAL(12,2, event_time TIMESTAMP")
            .sql("DROP TABLE events");
    Path main = fixture.write();
    InvalidConfigException full =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(main));
    assertEquals(2, full.problems().size(), full.getMessage());
    assertProblem(full, fixture.pipelineFile(), "source.schema", "cannot parse the schema");
    assertProblem(full, fixture.pipelineFile(), "query.sql-file", "must hold one SELECT");

    PipelineSpec spec =
        ConfigLoader.load(main, Map.of(), Map.of(), PipelineChecks.WITHOUT_SQL)
            .pipeline("payments")
            .orElseThrow();
    assertEquals(
        "card_id STRING, amount DECIMAL(12,2, event_time TIMESTAMP, event_time TIMESTAMP",
        spec.source().schemaDdl());
    assertEquals("DROP TABLE events", spec.sql());
    assertEquals("payments_5m", spec.sink().table());

    PipelineFixture missingKeys =
        new PipelineFixture(dir).replaceInPipeline("watermark = 5 minutes", "watermark = soon");
    Path broken = missingKeys.write();
    assertProblem(
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(broken, Map.of(), Map.of(), PipelineChecks.WITHOUT_SQL)),
        missingKeys.pipelineFile(),
        "source.watermark",
        "soon");
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline("watermark = 5 minutes", "watermark = soon")
            .replaceInPipeline("output-mode = update", "output-mode = complete")
            .replaceInPipeline("keys = [card_id, window_start]", "keys = [card_id]");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write()));

    assertEquals(3, e.problems().size(), e.getMessage());
    assertProblem(e, fixture.pipelineFile(), "source.watermark", "soon");
    assertProblem(
        e, fixture.pipelineFile(), "sink.output-mode", "expected one of [append, update]");
    assertProblem(e, fixture.pipelineFile(), "sink.keys", "window start column 'window_start'");
  }

  @Test
  void slideMustDivideTheWindowSize() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "type = tumbling, size = 5 minutes",
                "type = sliding, size = 10 minutes, slide = 3 minutes");
    assertProblem(
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write())),
        fixture.pipelineFile(),
        "query.window.slide",
        "must divide");
  }

  @Test
  void missingOrNonSelectSqlFileIsReported() {
    PipelineFixture noSql = new PipelineFixture(dir).sql(null);
    assertProblem(
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(noSql.write())),
        noSql.pipelineFile(),
        "query.sql-file",
        "SQL file not found");

    PipelineFixture dml = new PipelineFixture(dir).sql("-- oops\nDROP TABLE events");
    assertProblem(
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(dml.write())),
        dml.pipelineFile(),
        "query.sql-file",
        "must hold one SELECT");
  }

  @Test
  void syntaxErrorInAPipelineFileNamesTheFile() {
    PipelineFixture fixture =
        new PipelineFixture(dir).pipeline("name = payments\nsource { topics = [");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(fixture.write()));
    assertTrue(e.getMessage().contains(fixture.pipelineFile().toString()), e.getMessage());
  }

  @Test
  void missingConfigurationFileSaysWhatToDo() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.conf")));
    assertTrue(
        e.getMessage().contains("nope.conf") && e.getMessage().contains("--conf"), e.getMessage());
  }

  @Test
  void maxEventTimeAheadDefaultsToFifteenMinutesIsSetPerPipelineAndABadValueNamesFileAndKey() {
    assertEquals(
        Duration.ofMinutes(15),
        ConfigLoader.load(new PipelineFixture(dir).write())
            .pipelines()
            .get(0)
            .source()
            .maxEventTimeAhead());

    PipelineFixture set =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "watermark = 5 minutes", "watermark = 5 minutes\n  max-event-time-ahead = 2 hours");
    assertEquals(
        Duration.ofHours(2),
        ConfigLoader.load(set.write()).pipelines().get(0).source().maxEventTimeAhead());

    for (String bad : List.of("soon", "0 seconds", "-5 minutes")) {
      PipelineFixture broken =
          new PipelineFixture(dir)
              .replaceInPipeline(
                  "watermark = 5 minutes",
                  "watermark = 5 minutes\n  max-event-time-ahead = \"" + bad + "\"");
      InvalidConfigException e =
          assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(broken.write()));
      assertEquals(1, e.problems().size(), e.getMessage());
      assertProblem(e, broken.pipelineFile(), "source.max-event-time-ahead", "");
    }
    // validate (every command) exits 2 naming the file and the key, before Spark starts.
    PipelineFixture broken =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "watermark = 5 minutes", "watermark = 5 minutes\n  max-event-time-ahead = soon");
    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(2, cli.execute("validate", "--conf", broken.write().toString()));
    assertTrue(
        err.toString()
            .startsWith(
                "tidemark: invalid configuration: "
                    + broken.pipelineFile()
                    + ": source.max-event-time-ahead: "),
        err.toString());
  }

  static void assertProblem(InvalidConfigException e, Path file, String key, String text) {
    boolean found =
        e.problems().stream()
            .anyMatch(
                p -> file.equals(p.file()) && key.equals(p.key()) && p.message().contains(text));
    assertTrue(
        found, "expected " + file + ": " + key + ": ..." + text + "... in:\n" + e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
