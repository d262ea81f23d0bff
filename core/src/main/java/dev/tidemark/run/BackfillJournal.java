package dev.tidemark.run;

import dev.tidemark.pipeline.WindowRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which chunks of one backfill (pipeline, range, chunk size) have committed, kept in the lake at
 * {@code _tidemark/backfills/PIPELINE/FROM_TO_CHUNK}. A rerun after a crash skips the chunks
 * listed; a backfill that finishes removes its journal, so running it again later recomputes
 * everything. Each chunk's commit is atomic and idempotent, so a chunk that committed just before a
 * crash, but was not yet recorded, is simply done again.
 *
 * <p>{@link #runChunks} is the one loop over chunks that a backfill and a repair both run.
 */
public final class BackfillJournal {
  private final FileSystem fs;
  private final Path path;
  private final Set<String> done = new LinkedHashSet<>();

  private BackfillJournal(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  public static BackfillJournal open(FileSystem fs, Path path) {
    BackfillJournal journal = new BackfillJournal(fs, path);
    try {
      if (fs.exists(path)) {
        try (var in = fs.open(path)) {
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank())
              .forEach(journal.done::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read backfill journal " + path, e);
    }
    return journal;
  }

  public boolean isDone(WindowRange chunk) {
    return done.contains(chunk.toString());
  }

  public int doneCount() {
    return done.size();
  }

  public void markDone(WindowRange chunk) {
    done.add(chunk.toString());
    // Object stores have no append: rewrite the small file whole.
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write((String.join("\n", done) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write backfill journal " + path, e);
    }
  }

  /**
   * Runs {@code chunks} in order, each one not done by an earlier run through {@code work} (given
   * its index) and then recorded done; reports each, run or skipped, to {@code progress}; forgets
   * the journal once all are done. A failure stops the loop with the journal kept, so the rerun
   * resumes at the chunk that failed.
   *
   * @return one {@link BackfillRunner.Chunk} per chunk, in order; a skipped one has no result
   */
  public List<BackfillRunner.Chunk> runChunks(
      List<WindowRange> chunks,
      IntFunction<BackfillRunner.Result> work,
      Consumer<BackfillRunner.Chunk> progress) {
    List<BackfillRunner.Chunk> outcomes = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      WindowRange chunk = chunks.get(i);
      BackfillRunner.Result result = null;
      if (!isDone(chunk)) {
        result = work.apply(i);
        markDone(chunk);
      }
      BackfillRunner.Chunk outcome = new BackfillRunner.Chunk(i + 1, chunks.size(), chunk, result);
      outcomes.add(outcome);
      progress.accept(outcome);
    }
    finish();
    return outcomes;
  }

  /** The backfill finished: forget it, so the next run of the same range starts afresh. */
  public void finish() {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path path() {
    return path;
  }
}
