package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.PipelineFixture;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.WindowSpec.Type;
import dev.tidemark.pipeline.WindowDeclaration.SqlWindow;
import dev.tidemark.pipeline.WindowDeclaration.UnreadableWindowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowDeclarationTest {
  @TempDir Path dir;

  private static final Duration MIN = Duration.ofMinutes(1);

  @Test
  void theSampleSqlWindowsAreReadFromTheGroupBy() throws IOException {
    assertEquals(
        Optional.of(
            new SqlWindow(
                Type.SLIDING,
                MIN.multipliedBy(10),
                MIN,
                "event_time",
                "window(event_time, '10 minutes', '1 minute')",
                17)),
        WindowDeclaration.fromSql(Files.readString(Path.of("conf/pipelines/card-velocity.sql"))));
    assertEquals(
        Optional.of(
            new SqlWindow(
                Type.TUMBLING, MIN, MIN, "event_time", "window(event_time, '1 minute')", 16)),
        WindowDeclaration.fromSql(Files.readString(Path.of("conf/pipelines/sensor-readings.sql"))));
  }

  @Test
  void intervalLiteralsAliasesCtesAndSessionWindowsAreRead() {
    assertEquals(
        Optional.of(
            new SqlWindow(
                Type.TUMBLING,
                Duration.ofHours(1),
                Duration.ofHours(1),
                "ts",
                "window(e.ts, INTERVAL 1 HOUR)",
                1)),
        WindowDeclaration.fromSql(
            "SELECT window(e.ts, INTERVAL 1 HOUR) AS w, count(*) FROM events e GROUP BY w"));
    assertEquals(
        Optional.of(
            new SqlWindow(
                Type.SESSION,
                MIN.multipliedBy(30),
                MIN.multipliedBy(30),
                "ts",
                "session_window(ts, '30 minutes')",
                2)),
        WindowDeclaration.fromSql(
            "WITH s AS (SELECT user, session_window.start AS window_start, count(*) AS n\n"
                + "  FROM events GROUP BY user, session_window(ts, '30 minutes'))\n"
                + "SELECT * FROM s WHERE n > 1"));
    assertEquals(
        Type.TUMBLING,
        WindowDeclaration.fromSql(
                "SELECT count(*) FROM events GROUP BY window(ts, '5 minutes', '5 minutes')")
            .orElseThrow()
            .type());
    assertEquals(
        Optional.empty(), WindowDeclaration.fromSql("SELECT k, count(*) FROM events GROUP BY k"));
  }

  @Test
  void aWindowThatIsNoLiteralCannotBeRead() {
    UnreadableWindowException e =
        assertThrows(
            UnreadableWindowException.class,
            () ->
                WindowDeclaration.fromSql(
                    "SELECT count(*) FROM events GROUP BY window(ts, concat('5', ' minutes'))"));
    assertEquals(
        "cannot read the window of window(ts, concat('5', ' minutes')): write its size, slide or"
            + " gap as a literal such as '5 minutes' (no months or years, no expressions)",
        e.getMessage());
  }

  private List<String> problems(PipelineFixture fixture) {
    PipelineSpec spec = ConfigLoader.load(fixture.write(), Map.of(), Map.of()).pipelines().get(0);
    return WindowDeclaration.check(spec).stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aSizeThatDiffersNamesTheFileKeyAndTheSql() {
    assertEquals(List.of(), problems(new PipelineFixture(dir.resolve("same"))));
    PipelineFixture fixture =
        new PipelineFixture(dir).replaceInPipeline("size = 5 minutes", "size = 10 minutes");

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": [window-matches-sql] query.window: query.window (tumbling, size 10 minutes)"
                + " does not match payments.sql (line 4): window(event_time, '5 minutes')"
                + " (tumbling, size 5 minutes); declare the same window in both"),
        problems(fixture));
  }

  @Test
  void aSlidingSqlWindowDeclaredTumblingIsAMismatch() {
    PipelineFixture fixture =
        new PipelineFixture(dir)
            .sql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, sum(amount) AS total\n"
                    + "FROM events GROUP BY card_id, window(event_time, '5 minutes', '1 minute')");

    assertEquals(
        List.of(
            fixture.pipelineFile()
                + ": [window-matches-sql] query.window: query.window (tumbling, size 5 minutes)"
                + " does not match payments.sql (line 2): window(event_time, '5 minutes', '1"
                + " minute') (sliding, size 5 minutes, slide 1 minute); declare the same window in"
                + " both"),
        problems(fixture));
  }

  @Test
  void aSqlWithoutWindowAndAWindowOnAnotherColumnAreReported() {
    PipelineFixture none =
        new PipelineFixture(dir)
            .sql(
                "SELECT card_id, date_trunc('minute', event_time) AS window_start,"
                    + " to_date(event_time) AS window_date, sum(amount) AS total FROM events"
                    + " GROUP BY card_id, date_trunc('minute', event_time), to_date(event_time)");
    assertEquals(
        List.of(
            none.pipelineFile()
                + ": [window-matches-sql] query.window: query.window (tumbling, size 5 minutes)"
                + " is declared, but payments.sql groups by no window(...) or"
                + " session_window(...); group by the window the file declares"),
        problems(none));

    PipelineFixture otherColumn =
        new PipelineFixture(dir)
            .replaceInPipeline(
                "card_id STRING, amount", "card_id STRING, paid_at TIMESTAMP, amount")
            .sql(
                "SELECT card_id, window.start AS window_start, to_date(window.start) AS"
                    + " window_date, sum(amount) AS total FROM events"
                    + " GROUP BY card_id, window(paid_at, '5 minutes')");
    assertEquals(
        List.of(
            otherColumn.pipelineFile()
                + ": [window-matches-sql] source.event-time: is 'event_time', but payments.sql"
                + " (line 1) windows by 'paid_at': window(paid_at, '5 minutes') (the watermark is"
                + " on the event-time column)"),
        problems(otherColumn));
  }
}
