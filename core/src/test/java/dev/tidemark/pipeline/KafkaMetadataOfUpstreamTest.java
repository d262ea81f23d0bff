package dev.tidemark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.SamplePipelines;
import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pipeline that reads a pipeline's table has no Kafka record behind its rows: {@code _kafka} in
 * its SQL or expectations fails validation, naming the file, the key and where to use it instead.
 */
class KafkaMetadataOfUpstreamTest {
  private final TidemarkConfig config =
      ConfigLoader.load(
          TestSpark.projectDir().resolve("conf/local.conf"),
          Map.of(
              ConfigKeys.PIPELINES_DIR,
              SamplePipelines.copy(SamplePipelines.CHAIN, "-kafka-metadata").toString()));
  private final PipelineValidator validator =
      new PipelineValidator(TestSpark.session(), null, config.pipelines());
  private final PipelineSpec hourly = config.pipeline("sensor-hourly").orElseThrow();

  @Test
  void kafkaMetadataInTheSqlOfAPipelineReadingAPipelineFailsNamingTheSqlFile() {
    PipelineSpec spec =
        hourly.withSql(
            hourly
                .sql()
                .replace("FROM events", ", max(_kafka.partition) AS kafka_partition FROM events"));

    assertEquals(
        List.of(
            new ConfigProblem(
                hourly.file(),
                "[kafka-metadata] query.sql-file",
                "sensor-hourly.sql uses _kafka, but this pipeline reads the table of pipeline"
                    + " sensor-readings (source.pipeline), whose rows are not Kafka records: use"
                    + " _kafka in sensor-readings's SQL and keep what you need as a column of its"
                    + " result")),
        validator.check(spec));
  }

  @Test
  void kafkaMetadataInAnExpectationOfAPipelineReadingAPipelineFailsNamingTheExpectation() {
    PipelineSpec spec = hourly.withExpectations(Map.of("from_topic", "_kafka.topic IS NOT NULL"));

    List<ConfigProblem> problems = validator.check(spec);

    assertEquals(1, problems.size(), problems.toString());
    assertEquals("[kafka-metadata] expectations.from_topic", problems.get(0).key());
  }

  @Test
  void aPipelineReadingKafkaMayUseKafkaMetadataAndTheShippedChainIsValid() {
    PipelineSpec readings = config.pipeline("sensor-readings").orElseThrow();

    assertEquals(true, KafkaMetadata.usedBy(readings), "the sample uses _kafka (max_delay_ms)");
    assertEquals(List.of(), validator.check(readings));
    assertEquals(List.of(), validator.check(hourly));
  }
}
