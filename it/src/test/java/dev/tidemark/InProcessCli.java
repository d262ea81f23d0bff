package dev.tidemark;

import dev.tidemark.cli.TidemarkCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs a {@code tidemark} command in the test JVM, as a user would type it, and captures its exit
 * code and what it printed. The commands reuse the test JVM's shared Spark session.
 */
public final class InProcessCli {
  private InProcessCli() {}

  /** A finished command: its exit code and its standard output and error. */
  public record Result(int exitCode, String out, String err) {}

  public static Result run(String... args) {
    TestSpark.session();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TidemarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
