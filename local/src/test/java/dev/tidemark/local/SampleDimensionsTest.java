package dev.tidemark.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.ConfigProblem;
import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.run.DimensionSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample page-sections validates on a fresh lake: its dimension dim/pages is created from the
 * shipped seed page-sections-pages.csv before the first run (the demo's pages), and only then.
 */
class SampleDimensionsTest {
  private static final String SEED = "page-sections-pages.csv";

  @TempDir Path dir;

  @Test
  void pageSectionsValidatesOnAFreshLakeAndItsFirstRunCreatesDimPagesFromTheSeed()
      throws IOException {
    Path pipelines = copySample();
    TidemarkConfig config = load(pipelines, "lake");
    SparkSession spark = TestSpark.session();
    PipelineSpec spec = config.pipeline("page-sections").orElseThrow();
    PipelineValidator validator = new PipelineValidator(spark, config);
    assertEquals(List.of(), validator.check(spec), "no dim/pages yet: the seed will create it");

    List<String> created = DimensionSeeds.createMissing(spark, config, List.of(spec));

    String table = config.lake() + "/dim/pages";
    assertEquals(List.of(table), created);
    // Every page the page-views generator sends has a section (else the demo's top one is NULL).
    assertEquals(1000, PageViews.PAGES);
    assertEquals(
        List.of("1000 | 200 | /products/7 | audio | 0"),
        TestSpark.rows(
            spark
                .read()
                .format("delta")
                .load(table)
                .selectExpr(
                    "count(*)",
                    "count_if(section = 'phones')",
                    "max_by(page, page = '/products/7')",
                    "max_by(section, page = '/products/7')",
                    "count_if(page = '/products/1000')")));
    assertEquals(
        List.of("0"),
        TestSpark.rows(
            io.delta.tables.DeltaTable.forPath(spark, table).history().select("version")));

    // The table is the truth: once it exists, the seed is not read (even a bad one).
    Files.writeString(pipelines.resolve(SEED), "page,section\n/a,b,c\n");
    assertEquals(List.of(), validator.check(spec));
    assertEquals(List.of(), DimensionSeeds.createMissing(spark, config, List.of(spec)));
  }

  @Test
  void aBadSeedFailsValidateNamingTheFileTheKeyAndTheLine() throws IOException {
    Path pipelines = copySample();
    Path seed = pipelines.resolve(SEED);
    Files.writeString(seed, "page,section\n/products/0,phones\n/products/1\n");
    TidemarkConfig config = load(pipelines, "lake");
    PipelineSpec spec = config.pipeline("page-sections").orElseThrow();
    assertEquals(
        List.of(
            pipelines.resolve("page-sections.conf")
                + ": [dimensions] dimensions.pages.seed: seed "
                + seed
                + ", line 3: has 1 fields, the header 2: /products/1"),
        new PipelineValidator(TestSpark.session(), config)
            .check(spec).stream().map(ConfigProblem::toString).toList());

    Files.delete(seed);
    InvalidConfigException missing =
        assertThrows(InvalidConfigException.class, () -> load(pipelines, "lake"));
    assertEquals(
        List.of(
            pipelines.resolve("page-sections.conf")
                + ": dimensions.pages.seed: no seed file "
                + seed
                + ": a CSV file beside the pipeline file (header row, the key and schema columns)"),
        missing.problems().stream().map(ConfigProblem::toString).toList());
  }

  private Path copySample() throws IOException {
    Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
    for (String file : List.of("page-sections.conf", "page-sections.sql", SEED)) {
      Files.copy(TestSpark.projectDir().resolve("conf/pipelines/" + file), pipelines.resolve(file));
    }
    return pipelines;
  }

  private TidemarkConfig load(Path pipelines, String lake) {
    return ConfigLoader.load(
        TestSpark.projectDir().resolve("conf/local.conf"),
        Map.of(
            ConfigKeys.PIPELINES_DIR,
            pipelines.toString(),
            ConfigKeys.LAKE,
            dir.resolve(lake).toString()));
  }
}
