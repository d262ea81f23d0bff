package dev.tidemark.cli;

import dev.tidemark.config.InvalidConfigException;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.QueryGroup;
import dev.tidemark.run.RecordError;
import dev.tidemark.run.SparkShutdown;
import dev.tidemark.run.StreamOwnership;
import dev.tidemark.source.KafkaDataLoss;
import dev.tidemark.source.KafkaReachability;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The {@code tidemark} command line. Exit codes: 0 ok, 2 usage or configuration error (reported
 * before any data moves), 1 runtime failure (including a failed query, which stops every other
 * query of the process), 3 another backfill, repair or stream of the pipeline (or bronze ingest of
 * the topic) is running, 4 Kafka no longer has records a stream has not processed (data loss; see
 * {@link KafkaDataLoss}), 5 a pipeline's SQL raised an error on a record (see {@link RecordError}).
 */
@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {
      "Kafka -> Delta Lake streaming analytics on Spark. One pipeline definition (conf/pipelines/"
          + "NAME.conf + NAME.sql) runs as a stream and as a backfill.",
      ""
    },
    footer = {
      "",
      "Configuration: --conf FILE (default $TIDEMARK_CONF, else conf/local.conf when it exists)."
          + " Precedence, highest first: --set, -D, environment (TIDEMARK_LAKE,"
          + " KAFKA_BOOTSTRAP_SERVERS, ...), the file, the defaults inside the jar.",
      "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error, 3 another backfill,"
          + " repair or stream of the pipeline (or bronze ingest of the topic) is running, 4 Kafka no"
          + " longer has records a stream has not processed"
          + " (backfill them from bronze), 5 the pipeline's SQL raised an error on a record (fix the"
          + " SQL or skip such records with an expectation).",
      "Run 'tidemark COMMAND --help' for a command's options and examples."
    })
public final class TidemarkCli implements Callable<Integer> {
  /** Exit code when another backfill of the same pipeline holds the lock (retry later). */
  public static final int ALREADY_RUNNING = 3;

  /**
   * Exit code when Kafka no longer has records a stream has not processed (they aged out): the
   * message points to a backfill from bronze; restarting alone will not help.
   */
  public static final int DATA_LOST = 4;

  /**
   * Exit code when the pipeline's SQL raised an error on a record (ANSI SQL: a failed cast): a
   * restart replays the same batch, so restarting alone will not help; the message says what will.
   */
  public static final int RECORD_ERROR = 5;

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  /**
   * Tidemark's own commands by name, in the order of the usage help. Made on demand: picocli
   * reflects over the options of every command it is given (with their classes loaded and
   * verified), most of a second of a short command's start (D41).
   */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("stream", StreamCommand::new);
    commands.put("backfill", BackfillCommand::new);
    commands.put("repair", RepairCommand::new);
    commands.put("reset", ResetCommand::new);
    commands.put("ingest", IngestCommand::new);
    commands.put("validate", ValidateCommand::new);
    commands.put("explain", ExplainCommand::new);
    commands.put("init", InitCommand::new);
    commands.put("completion", CompletionCommand::new);
    commands.put("status", StatusCommand::new);
    commands.put("maintain", MaintainCommand::new);
    return Collections.unmodifiableMap(commands);
  }

  /**
   * The command line with every command: Tidemark's own, then those of the {@link CommandProvider}s
   * on the classpath (demo, generate and bench when tidemark-local and tidemark-bench are there;
   * none in the cluster jar), in {@link CommandProvider#order()}: the usage help does not depend on
   * the classpath order.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TidemarkCli());
    COMMANDS.values().forEach(command -> cli.addSubcommand(command.get()));
    ServiceLoader.load(CommandProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(
            Comparator.comparingInt(CommandProvider::order)
                .thenComparing(provider -> provider.getClass().getName()))
        .forEach(provider -> provider.commands().forEach(cli::addSubcommand));
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  /**
   * The command line that runs {@code args}: when they start with the name of one of Tidemark's own
   * commands, with only that command (its usage, errors and exit codes are the same as in {@link
   * #commandLine()}); otherwise, and for {@code completion}, which lists them all, with every one.
   */
  static CommandLine commandLine(String... args) {
    String first = args.length == 0 ? "" : args[0];
    if (!COMMANDS.containsKey(first) || first.equals("completion")) {
      return commandLine();
    }
    CommandLine cli = new CommandLine(new TidemarkCli());
    cli.addSubcommand(COMMANDS.get(first).get());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  public static int run(String... args) {
    return commandLine(args).execute(args);
  }

  /**
   * Runs the command, then stops Spark in order before exiting ({@link SparkShutdown}): a failure
   * there turns a successful command's exit code into 1. A failing command's last line on standard
   * error is {@code tidemark: exit code N}: in Spark standalone cluster deploy mode spark-submit
   * does not return the driver's exit code, and a scheduler reads it from the driver's log
   * (docs/cluster.md).
   */
  public static void main(String[] args) {
    int code = SparkShutdown.stop(run(args), System.err);
    if (code != 0) {
      System.err.println("tidemark: exit code " + code);
    }
    System.exit(code);
  }

  /** Config problems are usage errors (2) with their message; anything else is a failure (1). */
  private static final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
      PrintWriter err = cli.getErr();
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof InvalidConfigException)) {
        cause = cause.getCause();
      }
      // Bad arguments (a range off the window grid) are raised directly by Tidemark's own checks.
      Throwable usage = cause instanceof InvalidConfigException ? cause : e;
      if (e instanceof KafkaDataLoss.StreamStopped) {
        err.println("tidemark: " + e.getMessage());
        err.flush();
        return DATA_LOST;
      }
      if (e instanceof RecordError.StreamStopped) {
        err.println("tidemark: " + e.getMessage());
        e.getCause().printStackTrace(err);
        err.flush();
        return RECORD_ERROR;
      }
      if (e instanceof KafkaReachability.KafkaUnavailableException) {
        err.println("tidemark: " + e.getMessage());
        err.flush();
        return 1;
      }
      if (e instanceof QueryGroup.QueryFailedException) {
        err.println("tidemark: " + e.getMessage());
        e.getCause().printStackTrace(err);
        err.flush();
        return 1;
      }
      if (e instanceof QueryGroup.LockLostException) {
        err.println("tidemark: " + e.getMessage());
        err.flush();
        return 1;
      }
      if (e instanceof StreamOwnership.ForeignTableException) {
        err.println("tidemark: " + e.getMessage());
        err.flush();
        return 2;
      }
      if (e instanceof LakeLock.AlreadyRunningException) {
        err.println("tidemark: " + e.getMessage());
        err.flush();
        return ALREADY_RUNNING;
      }
      if (usage instanceof InvalidConfigException || usage instanceof IllegalArgumentException) {
        err.println("tidemark: " + usage.getMessage());
        err.flush();
        return 2;
      }
      err.println("tidemark: failed: " + e);
      e.printStackTrace(err);
      err.flush();
      return 1;
    }
  }
}
