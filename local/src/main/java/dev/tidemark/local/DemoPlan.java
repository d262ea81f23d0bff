package dev.tidemark.local;

import dev.tidemark.config.PipelineSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which pipelines the demo runs: those whose {@code demo.generator} names a sample generator. The
 * others (pipelines a user added, say) are skipped with the reason, so that they never break the
 * demo.
 *
 * @param run the pipelines to run, in configuration order
 * @param skipped one line per skipped pipeline: its name and why
 * @param downstream the pipelines that read a pipeline the demo runs ({@code source.pipeline}),
 *     upstream first: streamed once their upstream has caught up
 */
public record DemoPlan(
    List<PipelineSpec> run, List<String> skipped, List<PipelineSpec> downstream) {
  public static DemoPlan of(List<PipelineSpec> pipelines) {
    List<PipelineSpec> run = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<PipelineSpec> downstream = new ArrayList<>();
    Set<String> fed = new HashSet<>();
    for (PipelineSpec p : pipelines) { // upstream first (ConfigLoader's order)
      if (p.source().fromPipeline()) {
        if (fed.contains(p.source().pipeline())) {
          downstream.add(p);
          fed.add(p.name());
        } else {
          skipped.add(p.name() + ": reads pipeline " + p.source().pipeline() + ", not run");
        }
      } else if (p.generator().isEmpty()) {
        skipped.add(p.name() + ": no demo.generator");
      } else if (!SampleEvents.names().contains(p.generator())) {
        skipped.add(
            p.name()
                + ": demo.generator '"
                + p.generator()
                + "' is not one of "
                + SampleEvents.names());
      } else {
        run.add(p);
        fed.add(p.name());
      }
    }
    return new DemoPlan(List.copyOf(run), List.copyOf(skipped), List.copyOf(downstream));
  }

  /** Micro-batches the demo's streams read their topics in, unless {@code --batches} says. */
  public static final int BATCHES = 8;

  /**
   * The pipeline reading a topic of {@code events} records in about {@code batches} micro-batches
   * ({@code maxOffsetsPerTrigger}, never more than it declares), so that the demo lake holds a
   * series of batches to look at (rates, rows and lag per batch in the pipeline-health notebook)
   * rather than one catch-up batch. Each batch costs a few seconds.
   */
  public static PipelineSpec inBatches(PipelineSpec spec, int events, int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException("--batches must be at least 1, was " + batches);
    }
    long perBatch = Math.max(1, (events + batches - 1) / batches);
    String declared = spec.source().options().get("maxOffsetsPerTrigger");
    if (declared != null) {
      perBatch = Math.min(perBatch, Long.parseLong(declared.trim()));
    }
    Map<String, String> options = new LinkedHashMap<>(spec.source().options());
    options.put("maxOffsetsPerTrigger", Long.toString(perBatch));
    return spec.withSource(spec.source().withOptions(options));
  }
}
