package dev.tidemark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.BronzeRecords;
import dev.tidemark.pipeline.EventDecoder;
import dev.tidemark.pipeline.KafkaMetadata;
import dev.tidemark.pipeline.SlicedAggregation;
import dev.tidemark.pipeline.WindowRange;
import dev.tidemark.source.KafkaClients;
import dev.tidemark.source.PipelineTopics;
import dev.tidemark.source.ReplaySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A full refresh of a pipeline ({@code tidemark reset}): its checkpoints are moved aside, its gold
 * table is rebuilt from bronze over bronze's whole history through the backfill path, and the next
 * stream resumes where bronze ends, as if it had processed bronze itself:
 *
 * <ul>
 *   <li>from the Kafka offsets after the last record bronze holds of each partition (earliest for a
 *       partition bronze has none of);
 *   <li>with the watermark that processing bronze gives (its newest event time less the delay);
 *   <li>with the slices of the windows that watermark leaves open, so that the stream's first
 *       batches roll those windows up from every event, not only from the new ones;
 *   <li>over gold and quarantine tables whose earlier stream writers the reset retired, so that
 *       {@link StreamOwnership} lets the new query start.
 * </ul>
 *
 * <p>In update mode the rebuild writes every window bronze has events for (the stream replaces the
 * open ones as their events come); in append mode only the windows that watermark has closed (the
 * stream appends the others when it closes them, once). What the stream needs is kept in the new
 * checkpoint folder ({@code CHECKPOINTS/NAME/reset}), so deleting that folder later is refused like
 * any lost checkpoint. Sliced pipelines only: Spark's state store cannot be seeded.
 */
public final class PipelineReset {
  /** The reset record in a pipeline's checkpoint folder. */
  static final String RECORD = "reset";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** What a reset did. */
  public record Outcome(
      String archivedTo,
      WindowRange rebuilt,
      long rowsWritten,
      String startingOffsets,
      Instant watermark,
      Set<String> retired) {}

  /** What the next stream of a reset pipeline starts from (see the class comment). */
  public record Start(String startingOffsets, long watermarkMs, Set<String> retired) {
    static final Start NONE = new Start(null, 0, Set.of());
  }

  private final SparkSession spark;
  private final TidemarkConfig config;

  public PipelineReset(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Resets the pipeline; the caller holds its stream and backfill locks. */
  public Outcome run(PipelineSpec spec) {
    if (spec.source().fromPipeline()) {
      throw new IllegalArgumentException(
          "reset rebuilds a pipeline from bronze; "
              + spec.name()
              + " reads pipeline "
              + spec.source().pipeline()
              + " (no Kafka, no bronze). Move its checkpoint folder, gold and quarantine tables"
              + " aside and stream it again (it reads that table from its first version), or"
              + " backfill the range you need from that table: `tidemark backfill -p "
              + spec.name()
              + " --from ... --to ...`.");
    }
    SlicedAggregation.Analysis analysis = SlicedAggregation.analyze(spark, spec);
    if (!analysis.sliced()) {
      throw new IllegalArgumentException(
          "reset rebuilds pipelines that compute windows from slices only; "
              + spec.name()
              + " runs on Spark's stateful aggregation ("
              + analysis.notSlicedBecause()
              + "), whose state cannot be rebuilt. Move its gold and quarantine tables and its"
              + " checkpoint folder aside, stream again and backfill the history instead.");
    }
    if (!ReplaySource.hasBronze(spark, config, spec)) {
      throw new IllegalArgumentException(
          "reset rebuilds "
              + spec.name()
              + " from bronze, but not every topic of it has a bronze table ("
              + spec.source().describeTopics()
              + "): run `tidemark ingest -p "
              + spec.name()
              + "` (or a stream with bronze on) first.");
    }
    SlicedAggregation aggregation = analysis.aggregation();
    Dataset<Row> bronze = null;
    List<String> topics =
        PipelineTopics.inBronze(spark.sparkContext().hadoopConfiguration(), config, spec);
    for (String topic : topics) {
      Dataset<Row> one = spark.read().format("delta").load(config.bronzePath(topic));
      bronze = bronze == null ? one : bronze.unionByName(one);
    }
    Dataset<Row> records = BronzeRecords.asKafkaRecords(bronze, KafkaMetadata.usedBy(spec));
    String startingOffsets = startingOffsets(spec, topics, records);
    EventDecoder decoder = EventDecoder.of(spec);
    Dataset<Row> events = decoder.accepted(decoder.decode(records));
    String eventTime = "`" + spec.source().eventTimeColumn() + "`";
    Row span = events.agg(min(col(eventTime)), max(col(eventTime))).first();
    Row arrival = records.agg(max(col("timestamp"))).first();

    // Retire the tables' stream writers and move the checkpoints aside, before anything changes.
    Set<String> retired = new HashSet<>();
    retired.addAll(StreamOwnership.streamWriters(spark, config.tablePath(spec)));
    retired.addAll(StreamOwnership.streamWriters(spark, config.quarantinePath(spec)));
    FileSystem fs = LakeFileSystem.of(config);
    Path folder = new Path(config.checkpoints() + "/" + spec.name());
    String archivedTo = null;
    try {
      if (fs.exists(folder)) {
        Path archive =
            new Path(
                config.checkpoints()
                    + "/_archive/"
                    + spec.name()
                    + "-"
                    + STAMP.format(Instant.now()));
        fs.mkdirs(archive.getParent());
        if (!fs.rename(folder, archive)) {
          throw new IOException("rename " + folder + " to " + archive + " failed");
        }
        archivedTo = archive.toString();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the checkpoints of " + spec.name() + " aside", e);
    }

    long watermark = 0;
    WindowRange rebuilt = null;
    long written = 0;
    if (!span.isNullAt(0)) {
      Instant first = span.getTimestamp(0).toInstant();
      Instant last = span.getTimestamp(1).toInstant();
      watermark = last.toEpochMilli() - spec.source().watermarkDelay().toMillis();
      long firstOpen = aggregation.firstOpenWindow(watermark);
      Instant to =
          spec.sink().outputMode() == OutputMode.APPEND
              ? Instant.ofEpochMilli(firstOpen)
              : WindowRange.covering(first, last.plusMillis(1), spec.window()).to();
      Instant from =
          WindowRange.covering(first.minus(spec.window().size()), first, spec.window()).from();
      if (from.isBefore(to)) {
        rebuilt = new WindowRange(from, to, spec.window());
        written =
            new BackfillRunner(spark, config, ReplaySource.BRONZE)
                .run(spec, rebuilt, arrival.getTimestamp(0).toInstant())
                .rowsWritten();
      }
      // The slices of the windows still open, for the stream's roll-ups.
      SliceTable slices =
          new SliceTable(spark, config.checkpointPath(spec, StreamRunner.SLICES), aggregation);
      Dataset<Row> open =
          aggregation.slices(
              new DimensionTables(spark, config)
                  .enrich(
                      spec,
                      events.where(expr("unix_millis(" + eventTime + ") >= " + firstOpen)),
                      firstOpen));
      slices.ensure(open);
      slices.seed(open);
    }
    writeRecord(fs, spec, new Start(startingOffsets, watermark, retired));
    return new Outcome(
        archivedTo, rebuilt, written, startingOffsets, Instant.ofEpochMilli(watermark), retired);
  }

  /**
   * The record a reset left in the pipeline's checkpoint folder, or {@link Start#NONE}: read when
   * its stream starts.
   */
  public static Start startOf(SparkSession spark, TidemarkConfig config, PipelineSpec spec) {
    Path file = new Path(config.checkpoints() + "/" + spec.name() + "/" + RECORD);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(file)) {
        return Start.NONE;
      }
      JsonNode n;
      try (var in = fs.open(file)) {
        n = JSON.readTree(in);
      }
      Set<String> retired = new HashSet<>();
      n.get("retired").forEach(id -> retired.add(id.asText()));
      return new Start(
          n.get("startingOffsets").asText(), n.get("watermarkMs").asLong(), Set.copyOf(retired));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void writeRecord(FileSystem fs, PipelineSpec spec, Start start) {
    Path file = new Path(config.checkpoints() + "/" + spec.name() + "/" + RECORD);
    ObjectNode n = JSON.createObjectNode();
    n.put("startingOffsets", start.startingOffsets());
    n.put("watermarkMs", start.watermarkMs());
    ArrayNode retired = n.putArray("retired");
    start.retired().stream().sorted().forEach(retired::add);
    try (var out = fs.create(file, true)) {
      out.write(JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Spark's {@code startingOffsets} JSON: per partition of the pipeline's topics, the offset after
   * the last record bronze holds, or earliest (-2) for a partition it holds none of.
   */
  private String startingOffsets(PipelineSpec spec, List<String> topicNames, Dataset<Row> records) {
    Map<String, Map<String, Long>> offsets = new TreeMap<>();
    try (Admin admin = Admin.create(KafkaClients.properties(config, spec))) {
      Map<String, TopicDescription> topics = admin.describeTopics(topicNames).allTopicNames().get();
      for (TopicDescription t : topics.values()) {
        Map<String, Long> partitions = new TreeMap<>();
        t.partitions().forEach(p -> partitions.put(Integer.toString(p.partition()), -2L));
        offsets.put(t.name(), partitions);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the partitions", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list the partitions of " + topicNames + ": " + e.getCause(), e);
    }
    List<Row> ends = records.groupBy("topic", "partition").agg(max("offset")).collectAsList();
    for (Row r : ends) {
      offsets
          .computeIfAbsent(r.getString(0), t -> new TreeMap<>())
          .put(Integer.toString(r.getInt(1)), r.getLong(2) + 1);
    }
    try {
      return JSON.writeValueAsString(offsets);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
