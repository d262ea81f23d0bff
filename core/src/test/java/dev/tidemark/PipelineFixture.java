package dev.tidemark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a configuration with one pipeline into a folder: a good pipeline by default, which a test
 * then breaks in exactly one way.
 */
public final class PipelineFixture {
  static final String MAIN =
      """
      tidemark {
        lake = "LAKE"
        checkpoints = ${tidemark.lake}"/_checkpoints"
        pipelines-dir = pipelines
        kafka { bootstrap-servers = "127.0.0.1:9", startup-wait = 2 seconds }
        backfill { kafka-timestamp-slack = 10 minutes }
        maintenance { slowest-reader-lag = 24 hours }
        spark { "spark.sql.shuffle.partitions" = "2" }
      }
      """;

  static final String PIPELINE =
      """
      name = payments
      source {
        topics = [payments]
        schema = "card_id STRING, amount DECIMAL(12,2), event_time TIMESTAMP"
        event-time = event_time
        watermark = 5 minutes
      }
      query {
        sql-file = payments.sql
        window { type = tumbling, size = 5 minutes }
      }
      sink {
        table = payments_5m
        partition-by = [window_date]
        keys = [card_id, window_start]
        output-mode = update
      }
      """;

  static final String SQL =
      """
      -- total per card and 5 minutes
      SELECT card_id, window.start AS window_start, to_date(window.start) AS window_date,
             sum(amount) AS total
      FROM events GROUP BY card_id, window(event_time, '5 minutes')
      """;

  private final Path dir;
  private String pipeline = PIPELINE;
  private String sql = SQL;

  public PipelineFixture(Path dir) {
    this.dir = dir;
  }

  public PipelineFixture pipeline(String text) {
    this.pipeline = text;
    return this;
  }

  public PipelineFixture replaceInPipeline(String from, String to) {
    if (!pipeline.contains(from)) {
      throw new IllegalArgumentException("fixture has no '" + from + "'");
    }
    this.pipeline = pipeline.replace(from, to);
    return this;
  }

  public PipelineFixture sql(String text) {
    this.sql = text;
    return this;
  }

  /** Writes the files and returns the main configuration file. */
  public Path write() {
    try {
      Files.createDirectories(dir.resolve("pipelines"));
      Files.writeString(
          dir.resolve("tidemark.conf"), MAIN.replace("LAKE", dir.resolve("lake").toString()));
      Files.writeString(dir.resolve("pipelines/payments.conf"), pipeline);
      if (sql != null) {
        Files.writeString(dir.resolve("pipelines/payments.sql"), sql);
      }
      return dir.resolve("tidemark.conf");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path pipelineFile() {
    return dir.resolve("pipelines/payments.conf").toAbsolutePath().normalize();
  }
}
