package dev.tidemark.run;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.pipeline.BronzeRecords;
import dev.tidemark.sink.DeltaAppendSink;
import dev.tidemark.sink.DeltaTableInit;
import dev.tidemark.sink.StreamTarget;
import dev.tidemark.source.KafkaStreamSource;
import dev.tidemark.source.PipelineTopics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every record of a set of Kafka topics as it arrived: one streaming query per topic, Kafka
 * from the earliest offset into the append-only Delta table {@code LAKE/bronze/TOPIC} (partitioned
 * by ingest date), checkpointed in {@code CHECKPOINTS/_bronze/TOPIC}. Exactly once: Delta's
 * streaming sink records the query id and batch id in each commit and skips a replayed batch.
 *
 * <p>One process ingests a topic: starting takes the lake lock {@code
 * _tidemark/locks/bronze/TOPIC.ingest} (released on stop; a lock whose process died is taken over),
 * so a second process sharing the topic fails at start instead of racing on the same checkpoint.
 * Refuses to start when the table was written by a streaming query whose checkpoint is gone, which
 * would copy the topic a second time ({@link StreamOwnership}).
 */
public final class BronzeIngest {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeIngest.class);

  /** Query names are {@code bronze:TOPIC}; the metrics record them under that name. */
  public static final String QUERY_PREFIX = "bronze:";

  private final SparkSession spark;
  private final TidemarkConfig config;

  public BronzeIngest(SparkSession spark, TidemarkConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * The distinct topics of some pipelines, in order; a topic pattern's as Kafka has them now (see
   * {@link PipelineTopics#inKafka}: a topic created later is ingested from the next start on).
   */
  public static List<String> topicsOf(TidemarkConfig config, Collection<PipelineSpec> pipelines) {
    return pipelines.stream()
        .flatMap(p -> PipelineTopics.inKafka(config, p).stream())
        .distinct()
        .toList();
  }

  /** Starts the ingest of each topic; on any failure, stops what it started and rethrows. */
  public RunningBronze start(List<String> topics, TriggerSpec trigger) throws TimeoutException {
    List<LakeLock> locks = new ArrayList<>();
    List<StreamingQuery> queries = new ArrayList<>();
    RunningBronze running = new RunningBronze(topics, queries, locks);
    try {
      for (String topic : topics) {
        locks.add(
            LakeLock.acquire(
                LakeFileSystem.of(config),
                LakeLayout.of(config).bronzeLock(topic),
                "bronze ingest of " + topic,
                "bronze ingest of topic '" + topic + "'",
                "One process ingests a topic: stop the other one, or run this one with --set"
                    + " tidemark.bronze.enabled=false (see README, Bronze)."));
        queries.add(startOne(topic, trigger));
      }
    } catch (RuntimeException | TimeoutException e) {
      running.stop();
      throw e;
    }
    return running;
  }

  private StreamingQuery startOne(String topic, TriggerSpec trigger) throws TimeoutException {
    String path = config.bronzePath(topic);
    String checkpoint = config.bronzeCheckpointPath(topic);
    refuseOrphanTable(topic, path, checkpoint);
    Dataset<Row> records =
        BronzeRecords.fromKafka(KafkaStreamSource.readTopic(spark, config, topic));
    DeltaTableInit.ensure(spark, path, records.schema(), List.of(BronzeRecords.INGEST_DATE));
    StreamingQuery query =
        new DeltaAppendSink()
            .start(
                records,
                StreamTarget.append(
                    QUERY_PREFIX + topic,
                    path,
                    checkpoint,
                    trigger,
                    List.of(BronzeRecords.INGEST_DATE)));
    LOG.info("bronze ingest {} -> {} (trigger {})", topic, path, trigger);
    return query;
  }

  private void refuseOrphanTable(String topic, String path, String checkpoint) {
    StreamOwnership.refuseForeignTable(
        spark,
        "bronze table of topic '" + topic + "'",
        path,
        checkpoint,
        "Restore the checkpoint if it was moved (tidemark.checkpoints), or move the table aside to"
            + " start afresh (see README, Bronze).");
  }
}
