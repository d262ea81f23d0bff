package dev.tidemark.source;

import dev.tidemark.config.PipelineSpec;
import dev.tidemark.config.TidemarkConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;

/**
 * The topics a pipeline reads: those {@code source.topics} names, or, for {@code
 * source.topic-pattern}, those whose whole name matches the pattern (as Kafka's {@code
 * subscribePattern} matches; internal topics never). A stream subscribes to the pattern itself and
 * so follows topics created while it runs; everything else resolves it once, when it starts: a
 * Kafka backfill and the bronze ingest ask Kafka ({@link #inKafka}), while what reads the lake
 * (backfill and repair from bronze, reset, status) takes the bronze tables whose topic matches
 * ({@link #inBronze}), as those keep topics Kafka has since deleted.
 */
public final class PipelineTopics {
  private static final long LIST_TIMEOUT_S = 60;

  private PipelineTopics() {}

  /** The pipeline's topics that Kafka has now, sorted for a pattern. */
  public static List<String> inKafka(TidemarkConfig config, PipelineSpec spec) {
    if (!spec.source().hasPattern()) {
      return spec.source().topics();
    }
    try (Admin admin = Admin.create(KafkaClients.properties(config, spec))) {
      return matching(
          spec.source().topicPattern(),
          admin.listTopics().names().get(LIST_TIMEOUT_S, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot list the Kafka topics matching '"
              + spec.source().topicPattern()
              + "' for pipeline "
              + spec.name()
              + ": "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The pipeline's topics that have a bronze table folder in the lake, sorted for a pattern. */
  public static List<String> inBronze(
      Configuration hadoop, TidemarkConfig config, PipelineSpec spec) {
    if (!spec.source().hasPattern()) {
      return spec.source().topics();
    }
    Path bronze = new Path(config.bronzePath("x")).getParent();
    List<String> folders = new ArrayList<>();
    try {
      FileSystem fs = bronze.getFileSystem(hadoop);
      for (FileStatus s : fs.listStatus(bronze)) {
        if (s.isDirectory()) {
          folders.add(s.getPath().getName());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the bronze tables in " + bronze, e);
    }
    return matching(spec.source().topicPattern(), folders);
  }

  /** The names that {@code pattern} matches whole, sorted, without internal topics ({@code __}). */
  static List<String> matching(String pattern, Collection<String> names) {
    Pattern p = Pattern.compile(pattern);
    return names.stream()
        .filter(n -> !n.startsWith("__") && p.matcher(n).matches())
        .sorted()
        .toList();
  }
}
