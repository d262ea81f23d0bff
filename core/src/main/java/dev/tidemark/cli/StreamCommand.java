package dev.tidemark.cli;

import dev.tidemark.config.PipelineChain;
import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import dev.tidemark.config.TriggerSpec;
import dev.tidemark.ops.TableSummary;
import dev.tidemark.run.BronzeIngest;
import dev.tidemark.run.LakeFileSystem;
import dev.tidemark.run.LakeLayout;
import dev.tidemark.run.LakeLock;
import dev.tidemark.run.PipelineRuntime;
import dev.tidemark.run.QueryGroup;
import dev.tidemark.run.RecordError;
import dev.tidemark.run.RunningBronze;
import dev.tidemark.run.RunningPipeline;
import dev.tidemark.run.StreamRunner;
import dev.tidemark.source.KafkaDataLoss;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.streaming.StreamingQueryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    mixinStandardHelpOptions = true,
    name = "stream",
    description = {
      "Run pipelines as streams: Kafka -> parse -> watermark -> SQL -> Delta.",
      "Each pipeline keeps its checkpoint under tidemark.checkpoints/NAME; a restart resumes from it"
          + " exactly once. Records that cannot be parsed go to LAKE/quarantine/NAME.",
      "Unless tidemark.bronze.enabled=false, one more query per topic keeps every record as it"
          + " arrived in LAKE/bronze/TOPIC (one process per topic: a second one exits with code 3).",
      "A pipeline that reads another pipeline (source.pipeline) starts after it; with"
          + " --available-now, once that one has caught up.",
      "One process streams a pipeline: a second stream of it exits with code 3 before any query"
          + " starts, naming the holder. When any query fails, every query stops and the command"
          + " exits 1 naming it (5 when the pipeline's SQL raised an error on a record: the"
          + " message names the batch's Kafka offsets and how to fix the SQL or skip such records).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  tidemark stream                                  # every pipeline, until stopped",
      "  tidemark stream --pipeline card-velocity --available-now   # catch up, then exit",
      "  KAFKA_BOOTSTRAP_SERVERS=broker:9092 TIDEMARK_LAKE=s3a://lake/prod tidemark stream"
    })
final class StreamCommand implements Callable<Integer> {
  @Mixin ConfOptions conf;

  @Mixin CommandOutput output;

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "NAME",
      description = "Pipeline to run (repeatable). Default: all pipelines.")
  List<String> pipelines = new ArrayList<>();

  @Option(
      names = "--available-now",
      description =
          "Process everything in Kafka now, in micro-batches, then stop (Trigger.AvailableNow)."
              + " Append-mode windows the watermark has not passed are written by a later run.")
  boolean availableNow;

  @Option(
      names = "--status-every",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description =
          "Print a status line per pipeline this often (default: ${DEFAULT-VALUE}; 0 for none):"
              + " events/s, Kafka records behind, watermark and how far it trails the clock, late"
              + " and quarantined since start. Every batch is in the metrics table, and logged at"
              + " DEBUG by dev.tidemark.ops.MetricsRecorder.")
  Duration statusEvery;

  @Override
  public Integer call() throws Exception {
    TidemarkConfig config = conf.load();
    // Upstream first: a pipeline that reads another's table starts after it (D39).
    List<PipelineSpec> selected = PipelineChain.upstreamFirst(config.select(pipelines));
    // Validated first (nothing is written for a bad pipeline), locked before any query starts.
    PipelineRuntime runtime = PipelineRuntime.open(config, "tidemark-stream", selected);
    try {
      List<LakeLock> locks = lockPipelines(config, selected);
      try {
        return run(runtime, selected, locks);
      } finally {
        release(locks);
      }
    } finally {
      runtime.close();
    }
  }

  /**
   * One stream per pipeline, with or without bronze: the lock {@code _tidemark/locks/stream/NAME}
   * of each selected pipeline, taken before Spark starts, or none.
   */
  private static List<LakeLock> lockPipelines(TidemarkConfig config, List<PipelineSpec> selected) {
    List<LakeLock> locks = new ArrayList<>();
    FileSystem fs = LakeFileSystem.of(config);
    try {
      for (PipelineSpec spec : selected) {
        locks.add(
            LakeLock.acquire(
                fs,
                LakeLayout.of(config).streamLock(spec.name()),
                "stream of pipeline " + spec.name(),
                "stream of pipeline '" + spec.name() + "'",
                "One process streams a pipeline: stop the other one first, or run this one with"
                    + " --pipeline naming the others."));
      }
    } catch (RuntimeException e) {
      release(locks);
      throw e;
    }
    return locks;
  }

  private static void release(List<LakeLock> locks) {
    for (LakeLock lock : locks) {
      try {
        lock.close();
      } catch (RuntimeException e) {
        // releasing anyway; a lock left behind is taken over once its heartbeat stops
      }
    }
  }

  private int run(PipelineRuntime runtime, List<PipelineSpec> selected, List<LakeLock> locks)
      throws Exception {
    TidemarkConfig config = runtime.config();
    StreamRunner runner = new StreamRunner(runtime.spark(), config);
    TriggerSpec bronzeTrigger =
        availableNow ? TriggerSpec.availableNowTrigger() : config.bronze().trigger();
    List<RunningPipeline> running = new ArrayList<>();
    RunningBronze started;
    // Every pipeline's tables first: a refused one (a lost checkpoint) starts nothing at all.
    selected.forEach(runner::refuseForeignTables);
    try {
      for (PipelineSpec spec : selected) {
        if (availableNow) {
          awaitUpstream(spec, running);
        }
        running.add(runner.start(spec, availableNow ? TriggerSpec.availableNowTrigger() : null));
      }
      // After the pipelines: their start waits for Kafka to answer, so an unreachable broker
      // starts nothing at all.
      started =
          config.bronze().enabled()
              ? new BronzeIngest(runtime.spark(), config)
                  .start(BronzeIngest.topicsOf(config, selected), bronzeTrigger)
              : RunningBronze.none();
    } catch (Exception e) {
      running.forEach(StreamCommand::stopQuietly);
      throw e;
    }
    RunningBronze bronze = started;
    try (StopOnExit stop =
            StopOnExit.register(
                () -> {
                  bronze.stop();
                  running.forEach(StreamCommand::stopQuietly);
                });
        StatusLinePrinter status =
            StatusLinePrinter.start(runtime.spark(), output.out(), statusEvery)) {
      List<LakeLock> held = new ArrayList<>(locks);
      held.addAll(bronze.locks());
      awaitAll(runtime, running, bronze, held);
    }
    for (RunningPipeline r : running) {
      output.out().println(TableSummary.of(runtime.spark(), config, r.spec()).render());
    }
    return 0;
  }

  /**
   * With {@code --available-now}, a pipeline that reads another pipeline of this run starts once
   * that one has processed what Kafka has: an available-now query reads what its source holds when
   * it starts, so started beside its upstream it would see little of what the upstream writes. A
   * failed upstream is not waited for further; {@link #awaitAll} reports it.
   */
  private static void awaitUpstream(PipelineSpec spec, List<RunningPipeline> running) {
    for (RunningPipeline r : running) {
      if (r.spec().name().equals(spec.source().pipeline())) {
        try {
          r.awaitTermination();
        } catch (StreamingQueryException failed) {
          return;
        }
      }
    }
  }

  private static void stopQuietly(RunningPipeline r) {
    try {
      r.stop();
    } catch (Exception ignored) {
      // stopping anyway
    }
  }

  /**
   * Waits for every query of the process; the first failure stops them all. A Kafka data loss in a
   * pipeline's query becomes an explanation with the way out.
   */
  private static void awaitAll(
      PipelineRuntime runtime,
      List<RunningPipeline> running,
      RunningBronze bronze,
      List<LakeLock> locks) {
    try {
      new QueryGroup(runtime.spark(), QueryGroup.of(running, bronze), locks).await();
    } catch (QueryGroup.QueryFailedException e) {
      Optional<KafkaDataLoss> loss = KafkaDataLoss.in(e.getCause());
      Optional<RunningPipeline> owner =
          running.stream()
              .filter(r -> r.queries().stream().anyMatch(q -> q.name().equals(e.query())))
              .findFirst();
      if (loss.isPresent() && owner.isPresent()) {
        throw new KafkaDataLoss.StreamStopped(
            loss.get().explain(owner.get().spec().name()), e.getCause());
      }
      if (owner.isPresent()) {
        Optional<RecordError.StreamStopped> record =
            RecordError.explain(
                e,
                owner.get().spec(),
                runtime.config(),
                runtime.spark().sparkContext().hadoopConfiguration());
        if (record.isPresent()) {
          throw record.get();
        }
      }
      throw e;
    }
  }
}
