package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.tidemark.config.SourceSpec;
import dev.tidemark.config.WindowSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds the records a stream has most likely dropped as late, by two tests; a good event is late
 * when either holds:
 *
 * <ol>
 *   <li><b>Behind the stream's watermark.</b> The metrics table records, per batch, the watermark
 *       the stream had (a sliced stream: the one the batch moved it to; Spark's stateful
 *       aggregation: the one the batch ran with), and the watermark never goes back. A record that
 *       reached Kafka (its record timestamp) after a batch had ended was read by a later batch,
 *       which ran with at least that watermark ({@link WatermarkStep}). If the first window of the
 *       event ended at or before it, the stream left the event out of that window (and of every
 *       closed one). This finds events dropped because a producer's clock ran ahead and moved the
 *       watermark, which the second test cannot see.
 *   <li><b>Behind its arrival.</b> The event time trails the moment the record reached Kafka by
 *       more than the pipeline's watermark delay: when the records around it are on time, the
 *       stream's watermark (newest event time less the delay) had already passed it when it
 *       arrived. This needs no metrics, and finds records read in a catch-up batch long after they
 *       arrived.
 * </ol>
 *
 * <p>Both may name a window that lost nothing (recomputing it changes nothing). Both trust the
 * record timestamp as the arrival time: producers that stamp records with the event time instead of
 * the send time hide lateness from the second test (use {@code
 * message.timestamp.type=LogAppendTime} on such topics). Pure: works on decoded bronze rows.
 */
public final class LateRecords {
  private LateRecords() {}

  /** At most this many watermark steps are tested per record (more are thinned, see steps()). */
  static final int MAX_STEPS = 500;

  /**
   * Every batch of the stream that started after {@code after} ran with a watermark of at least
   * {@code watermark}.
   */
  public record WatermarkStep(Instant after, Instant watermark) {}

  /**
   * The steps of the stream's watermark from its batches' end times and watermarks (in any order):
   * only those where the watermark rose above every earlier one, the last before {@code
   * firstArrival} and every one after it, at most {@link #MAX_STEPS} (a step left out lowers the
   * watermark assumed between its neighbours, so fewer events are named, never more).
   */
  public static List<WatermarkStep> steps(List<WatermarkStep> batches, Instant firstArrival) {
    List<WatermarkStep> sorted = new ArrayList<>(batches);
    sorted.sort(Comparator.comparing(WatermarkStep::after));
    List<WatermarkStep> rising = new ArrayList<>();
    for (WatermarkStep b : sorted) {
      if (rising.isEmpty() || b.watermark().isAfter(rising.get(rising.size() - 1).watermark())) {
        if (!rising.isEmpty()
            && !rising.get(rising.size() - 1).after().isAfter(firstArrival)
            && !b.after().isAfter(firstArrival)) {
          rising.remove(rising.size() - 1); // an earlier step before every arrival: superseded
        }
        rising.add(b);
      }
    }
    if (rising.size() <= MAX_STEPS) {
      return List.copyOf(rising);
    }
    List<WatermarkStep> thinned = new ArrayList<>();
    for (int i = 0; i < MAX_STEPS; i++) {
      thinned.add(rising.get((int) ((long) i * (rising.size() - 1) / (MAX_STEPS - 1))));
    }
    return List.copyOf(thinned);
  }

  /** The late events by arrival only (no metrics). */
  public static Dataset<Row> find(Dataset<Row> decoded, SourceSpec source) {
    return find(decoded, source, null, List.of());
  }

  /**
   * The late events of a decoded frame (see {@link EventDecoder#decode}): {@code topic,
   * kafka_timestamp, event_time, ingest_time}; {@code ingest_time} must be among the raw columns.
   *
   * @param window the pipeline's windows (null with no steps)
   * @param steps the stream's watermark over time (see {@link #steps}); empty to judge by arrival
   *     only
   */
  public static Dataset<Row> find(
      Dataset<Row> decoded, SourceSpec source, WindowSpec window, List<WatermarkStep> steps) {
    Column eventTime = col("`" + source.eventTimeColumn() + "`");
    Column raw = col(EventDecoder.RAW);
    Column behindBy = expr("INTERVAL " + source.watermarkDelay().toMillis() + " MILLISECONDS");
    Column late = eventTime.lt(raw.getField("timestamp").minus(behindBy));
    if (!steps.isEmpty()) {
      // The watermark the batch that read the record had at least, newest step first.
      Column arrivalMs = expr("unix_millis(`" + EventDecoder.RAW + "`.timestamp)");
      Column watermark = null;
      for (int i = steps.size() - 1; i >= 0; i--) {
        WatermarkStep s = steps.get(i);
        Column cond = arrivalMs.gt(lit(s.after().toEpochMilli()));
        Column value = lit(s.watermark().toEpochMilli());
        watermark = watermark == null ? when(cond, value) : watermark.when(cond, value);
      }
      long slide = window.slide().toMillis();
      // The end of the first window that contains the event.
      Column firstWindowEnd =
          expr(
              "floor(unix_millis(`"
                  + source.eventTimeColumn()
                  + "`) / "
                  + slide
                  + ") * "
                  + slide
                  + " + "
                  + slide);
      late = late.or(coalesce(firstWindowEnd.leq(watermark), lit(false)));
    }
    return decoded
        .where(col(EventDecoder.REASON).isNull().and(late))
        .select(
            raw.getField("topic").as("topic"),
            raw.getField("timestamp").as("kafka_timestamp"),
            eventTime.as("event_time"),
            raw.getField(BronzeRecords.INGEST_TIME).as(BronzeRecords.INGEST_TIME));
  }

  /**
   * Late events per topic and window slot (event time rounded down to the window slide): {@code
   * topic, slot, records, max_kafka_timestamp, min_ingest_time}. A slot names the windows its
   * events fall in (see {@link RepairPlan}).
   */
  public static Dataset<Row> slots(Dataset<Row> late, WindowSpec window) {
    long slide = window.slide().toMillis();
    Column slot =
        expr("timestamp_millis(floor(unix_millis(event_time) / " + slide + ") * " + slide + ")");
    return late.groupBy(col("topic"), slot.as("slot"))
        .agg(
            count(lit(1)).as("records"),
            max("kafka_timestamp").as("max_kafka_timestamp"),
            min(BronzeRecords.INGEST_TIME).as("min_ingest_time"));
  }
}
