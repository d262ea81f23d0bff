package dev.tidemark.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What a command prints for its user goes to picocli's output writer (so tests capture it and
 * logging stays apart): mix in with {@code @Mixin CommandOutput output} and print to {@link
 * #out()}.
 */
// picocli takes a class as a mixin only when it carries one of its annotations; this one adds no
// usage text of its own.
@Command
public final class CommandOutput {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  public PrintWriter out() {
    return mixee.commandLine().getOut();
  }
}
