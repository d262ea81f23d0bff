package dev.tidemark.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.PipelineValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample page-sections validates once the demo has written its dimension table dim/pages. */
class SampleDimensionsTest {
  @TempDir Path dir;

  @Test
  void theDemoWritesDimPagesAndPageSectionsThenValidates() throws IOException {
    Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
    for (String file : List.of("page-sections.conf", "page-sections.sql")) {
      Files.copy(TestSpark.projectDir().resolve("conf/pipelines/" + file), pipelines.resolve(file));
    }
    TidemarkConfig config =
        ConfigLoader.load(
            TestSpark.projectDir().resolve("conf/local.conf"),
            Map.of(
                ConfigKeys.PIPELINES_DIR,
                pipelines.toString(),
                ConfigKeys.LAKE,
                dir.resolve("lake").toString()));
    SparkSession spark = TestSpark.session();
    PipelineSpec spec = config.pipeline("page-sections").orElseThrow();
    PipelineValidator validator = new PipelineValidator(spark, config);
    assertEquals(1, validator.check(spec).size(), "no dim/pages yet");

    List<String> written = SampleDimensions.write(spark, config, List.of(spec));

    String table = config.lake() + "/dim/pages";
    assertEquals(List.of(table), written);
    assertEquals(List.of(), validator.check(spec));
    assertEquals(
        List.of("110 | 22 | /products/7 | audio"),
        TestSpark.rows(
            spark
                .read()
                .format("delta")
                .load(table)
                .selectExpr(
                    "count(*)",
                    "count_if(section = 'phones')",
                    "max_by(page, page = '/products/7')",
                    "max_by(section, page = '/products/7')")));
    assertEquals(List.of(), SampleDimensions.write(spark, config, List.of(spec)), "written once");
  }
}
