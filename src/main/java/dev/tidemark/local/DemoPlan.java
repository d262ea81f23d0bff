package dev.tidemark.local;

import dev.tidemark.config.PipelineSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Which pipelines the demo runs: those whose {@code demo.generator} names a sample generator. The
 * others (pipelines a user added, say) are skipped with the reason, so that they never break the
 * demo.
 *
 * @param run the pipelines to run, in configuration order
 * @param skipped one line per skipped pipeline: its name and why
 */
public record DemoPlan(List<PipelineSpec> run, List<String> skipped) {
  public static DemoPlan of(List<PipelineSpec> pipelines) {
    List<PipelineSpec> run = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (PipelineSpec p : pipelines) {
      if (p.generator().isEmpty()) {
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
      }
    }
    return new DemoPlan(List.copyOf(run), List.copyOf(skipped));
  }
}
