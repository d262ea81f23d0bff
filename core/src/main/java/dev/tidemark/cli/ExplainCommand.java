package dev.tidemark.cli;

import dev.tidemark.config.OutputMode;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.pipeline.PipelineValidator;
import dev.tidemark.run.PipelineExplain;
import dev.tidemark.run.SparkSessionFactory;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "explain",
    description = {
      "Show what 'tidemark stream' would run for a pipeline: the decoded schema, the optimized and"
          + " physical plan of its stream, its state operators and watermark (for a sliced"
          + " pipeline, the slice width and the plans of the slice and roll-up queries each"
          + " micro-batch runs), the output mode and keys, and every table and checkpoint it"
          + " touches.",
      "Starts nothing, reads no record, needs no Kafka and writes nothing.",
      ""
    },
    footer = {"", "Example:", "  tidemark explain -p card-velocity"})
final class ExplainCommand implements Callable<Integer> {
  @Mixin OnePipeline target;

  @Mixin CommandOutput output;

  @Override
  public Integer call() {
    TidemarkConfig config = target.load();
    PipelineSpec spec = target.in(config);
    var spark = SparkSessionFactory.create(config, "tidemark-explain");
    new PipelineValidator(spark, config).validateAll(List.of(spec));
    print(new PipelineExplain(spark, config).explain(spec), output.out());
    return 0;
  }

  private static void print(PipelineExplain.Explanation e, PrintWriter out) {
    PipelineSpec spec = e.spec();
    out.printf("pipeline %s (%s, SQL %s)%n", spec.name(), spec.file(), spec.sqlFile());
    out.printf(
        "source: %s, format %s%n",
        spec.source().fromPipeline()
            ? "pipeline " + spec.source().pipeline()
            : "topics " + spec.source().topics(),
        spec.source().describeFormat());
    out.printf(
        "watermark: %s (events of windows it has closed are dropped as late)%n", e.watermark());
    out.printf(
        "window: %s, start column %s%n",
        spec.window() == null ? "none" : PipelineExplain.describe(spec.window()),
        spec.window() == null ? "-" : spec.window().startColumn());
    out.printf(
        "output mode: %s; keys %s; partitioned by %s; trigger %s%n",
        spec.sink().outputMode().name().toLowerCase(),
        spec.sink().keys(),
        spec.sink().partitionBy(),
        spec.sink().trigger());
    out.printf("path: %s%n", e.path());
    section(out, "Decoded events (the view 'events' the SQL reads)", e.eventSchema());
    if (e.sliced()) {
      out.printf(
          "%nslice width: %s; a window is rolled up from %d slice%s%n",
          e.sliceWidth(), e.slicesPerWindow(), e.slicesPerWindow() == 1 ? "" : "s");
      out.printf(
          "state: no Spark state store; the slices of open windows in the slice table (below),"
              + " appended once per micro-batch%n");
    } else {
      out.printf("%nstate operators:%n");
      e.stateOperators().forEach(op -> out.printf("  %s%n", op));
      if (spec.sink().outputMode() != OutputMode.APPEND) {
        out.printf(
            "  (Spark explains a stream that has not started in append mode; it runs in %s mode)%n",
            spec.sink().outputMode().name().toLowerCase());
      }
    }
    out.printf("watermark operators:%n");
    e.planWatermarks().forEach(w -> out.printf("  %s%n", w));
    section(out, "Stream: optimized plan", e.stream().optimized());
    section(out, "Stream: physical plan", e.stream().physical());
    if (e.sliced()) {
      section(out, "Slice query (each micro-batch, over its events)", e.sliceSql().strip());
      section(out, "Slice query: optimized plan", e.slicePlans().optimized());
      section(out, "Slice query: physical plan", e.slicePlans().physical());
      section(out, "Roll-up (each micro-batch, over the slices of its windows)", e.rollupSql());
      section(out, "Roll-up: optimized plan", e.rollupPlans().optimized());
      section(out, "Roll-up: physical plan", e.rollupPlans().physical());
    }
    out.printf("%nTouches:%n");
    e.touches().forEach(t -> out.printf("  %s%n", t));
    out.printf("%nNothing was started, read or written.%n");
  }

  private static void section(PrintWriter out, String title, String body) {
    out.printf("%n== %s ==%n%s%n", title, body.strip());
  }
}
