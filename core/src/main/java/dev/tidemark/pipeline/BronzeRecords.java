package dev.tidemark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.to_date;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The shape of a bronze table: a Kafka record exactly as it arrived ({@code key, value, topic,
 * partition, offset, timestamp, timestampType, headers}, Spark's Kafka source columns, bytes
 * untouched) plus {@code ingest_time} (the micro-batch time, stable when a batch is replayed after
 * a crash) and {@code ingest_date}, its partition column. Pure: no I/O.
 */
public final class BronzeRecords {
  public static final String INGEST_TIME = "ingest_time";
  public static final String INGEST_DATE = "ingest_date";

  /** The columns Spark's Kafka batch source produces, which every pipeline decodes. */
  public static final List<String> KAFKA_COLUMNS =
      List.of("key", "value", "topic", "partition", "offset", "timestamp", "timestampType");

  private BronzeRecords() {}

  /** Raw Kafka records (read with {@code includeHeaders}) as bronze rows. */
  public static Dataset<Row> fromKafka(Dataset<Row> raw) {
    // current_timestamp() is the batch timestamp of a micro-batch, kept in the offset log.
    Dataset<Row> withTime = raw.withColumn(INGEST_TIME, current_timestamp());
    return withTime.withColumn(INGEST_DATE, to_date(col(INGEST_TIME)));
  }

  /** Bronze rows as the Kafka source's records, so the same decoder runs on both. */
  public static Dataset<Row> asKafkaRecords(Dataset<Row> bronze) {
    return asKafkaRecords(bronze, false);
  }

  /**
   * Bronze rows as the Kafka source's records, with their {@code headers} when {@code headers} (for
   * a pipeline that uses the Kafka metadata, as its Kafka reads use {@code includeHeaders}).
   */
  public static Dataset<Row> asKafkaRecords(Dataset<Row> bronze, boolean headers) {
    List<String> columns = new ArrayList<>(KAFKA_COLUMNS);
    if (headers) {
      columns.add(KafkaMetadata.HEADERS);
    }
    return bronze.select(columns.stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
