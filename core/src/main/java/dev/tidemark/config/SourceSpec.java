package dev.tidemark.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a pipeline's events come from and how to read them.
 *
 * @param topics Kafka topics to subscribe to; empty when {@code topicPattern} is given
 * @param format payload format: {@code json} or {@code avro}
 * @param schemaDdl payload schema as a Spark DDL string
 * @param eventTimeColumn TIMESTAMP column of the payload that carries event time
 * @param watermarkDelay how far behind the newest event time the watermark trails; events older
 *     than the watermark are late and dropped by the stream (a backfill still counts them)
 * @param options extra spark-sql-kafka options for this pipeline (win over the global ones)
 * @param maxEventTimeAhead how far an event time may be after the record's Kafka timestamp; a later
 *     one is a wrong clock, and would move the watermark past every event to come, so the record is
 *     quarantined (stream, backfill and repair alike)
 * @param topicPattern instead of {@code topics}, a Java regular expression that a topic's whole
 *     name must match (Kafka's {@code subscribePattern}), or null
 * @param avro with {@code format = avro}, its schema files and wire format; null for JSON (the
 *     event columns, {@code schemaDdl}, are then derived from its reader schema)
 * @param pipeline instead of Kafka topics, the name of the (append-mode) pipeline whose Delta table
 *     this one streams ({@code source.pipeline}, D39): its rows are the events, already typed, with
 *     the columns {@code schemaDdl} declares; null for a Kafka source
 */
public record SourceSpec(
    List<String> topics,
    String format,
    String schemaDdl,
    String eventTimeColumn,
    Duration watermarkDelay,
    Map<String, String> options,
    Duration maxEventTimeAhead,
    String topicPattern,
    AvroSpec avro,
    String pipeline) {

  /** Format of a source that reads another pipeline's table ({@link #pipeline}). */
  public static final String PIPELINE_FORMAT = "pipeline";

  /** The default of {@code source.max-event-time-ahead}. */
  public static final Duration DEFAULT_MAX_EVENT_TIME_AHEAD = Duration.ofMinutes(15);

  /** Whether the events are another pipeline's rows ({@link #pipeline}) rather than Kafka's. */
  public boolean fromPipeline() {
    return pipeline != null;
  }

  /** Whether the topics are given by {@link #topicPattern} rather than by name. */
  public boolean hasPattern() {
    return topicPattern != null;
  }

  /** For status: the payload format, with the Avro schema files and wire format if Avro. */
  public String describeFormat() {
    if (fromPipeline()) {
      return "rows of pipeline " + pipeline + " (its Delta table, streamed: appends only)";
    }
    return avro == null ? format : avro.describe();
  }

  /** For messages: {@code [a, b]}, or {@code topics matching 'p'}. */
  public String describeTopics() {
    if (fromPipeline()) {
      return "the table of pipeline " + pipeline;
    }
    return hasPattern() ? "topics matching '" + topicPattern + "'" : topics.toString();
  }

  /** The same source reading other topics (by name, whatever it read before). */
  public SourceSpec withTopics(List<String> newTopics) {
    return toBuilder().topics(newTopics).topicPattern(null).build();
  }

  /** The same source reading the topics that match {@code pattern}. */
  public SourceSpec withTopicPattern(String pattern) {
    return toBuilder().topics(List.of()).topicPattern(pattern).build();
  }

  /** The same source with other Kafka source options. */
  public SourceSpec withOptions(Map<String, String> newOptions) {
    return toBuilder().options(newOptions).build();
  }

  /** The same source with another bound on event times ahead of their Kafka timestamp. */
  public SourceSpec withMaxEventTimeAhead(Duration bound) {
    return toBuilder().maxEventTimeAhead(bound).build();
  }

  /**
   * A builder of a source. Topics default to none, options to none, the bound on event times ahead
   * to {@link #DEFAULT_MAX_EVENT_TIME_AHEAD}; pattern, Avro and upstream to none.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this source's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .topics(topics)
        .format(format)
        .schemaDdl(schemaDdl)
        .eventTimeColumn(eventTimeColumn)
        .watermarkDelay(watermarkDelay)
        .options(options)
        .maxEventTimeAhead(maxEventTimeAhead)
        .topicPattern(topicPattern)
        .avro(avro)
        .pipeline(pipeline);
  }

  /** Builds a {@link SourceSpec} field by field (see {@link SourceSpec#builder()}). */
  public static final class Builder {
    private List<String> topics = List.of();
    private String format;
    private String schemaDdl;
    private String eventTimeColumn;
    private Duration watermarkDelay;
    private Map<String, String> options = Map.of();
    private Duration maxEventTimeAhead = DEFAULT_MAX_EVENT_TIME_AHEAD;
    private String topicPattern;
    private AvroSpec avro;
    private String pipeline;

    private Builder() {}

    public Builder topics(List<String> value) {
      topics = value;
      return this;
    }

    public Builder format(String value) {
      format = value;
      return this;
    }

    public Builder schemaDdl(String value) {
      schemaDdl = value;
      return this;
    }

    public Builder eventTimeColumn(String value) {
      eventTimeColumn = value;
      return this;
    }

    public Builder watermarkDelay(Duration value) {
      watermarkDelay = value;
      return this;
    }

    public Builder options(Map<String, String> value) {
      options = value;
      return this;
    }

    public Builder maxEventTimeAhead(Duration value) {
      maxEventTimeAhead = value;
      return this;
    }

    public Builder topicPattern(String value) {
      topicPattern = value;
      return this;
    }

    public Builder avro(AvroSpec value) {
      avro = value;
      return this;
    }

    /** Reads pipeline {@code value}'s table instead of Kafka (format {@link #PIPELINE_FORMAT}). */
    public Builder pipeline(String value) {
      pipeline = value;
      return this;
    }

    /**
     * The source. Fields may be missing (a file with problems still yields its source, for the
     * checks that follow; {@code PipelineFileReader} names the missing keys), but a source reads
     * from one place: named topics, a topic pattern or a pipeline's table, else an {@link
     * IllegalStateException}.
     */
    public SourceSpec build() {
      int places =
          (topics != null && !topics.isEmpty() ? 1 : 0)
              + (topicPattern != null ? 1 : 0)
              + (pipeline != null ? 1 : 0);
      if (places > 1) {
        throw new IllegalStateException(
            "a source reads topics, a topic pattern or a pipeline, not "
                + places
                + " of them: topics "
                + topics
                + ", pattern "
                + topicPattern
                + ", pipeline "
                + pipeline);
      }
      return new SourceSpec(
          topics,
          format,
          schemaDdl,
          eventTimeColumn,
          watermarkDelay,
          options,
          maxEventTimeAhead,
          topicPattern,
          avro,
          pipeline);
    }
  }

  /** Secret-looking options print as [redacted]. */
  @Override
  public String toString() {
    return "SourceSpec[topics="
        + topics
        + ", format="
        + format
        + ", schemaDdl="
        + schemaDdl
        + ", eventTimeColumn="
        + eventTimeColumn
        + ", watermarkDelay="
        + watermarkDelay
        + ", options="
        + Secrets.redact(options)
        + ", maxEventTimeAhead="
        + maxEventTimeAhead
        + (hasPattern() ? ", topicPattern=" + topicPattern : "")
        + (avro == null ? "" : ", avro=" + avro.describe())
        + (fromPipeline() ? ", pipeline=" + pipeline : "")
        + "]";
  }
}
