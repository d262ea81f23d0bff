package dev.tidemark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a streaming query's checkpoint says about its progress, read from Spark's offset and commit
 * logs ({@code offsets/N}: a version line, then the batch metadata as JSON with {@code
 * batchWatermarkMs}; {@code commits/N} once batch N is done, with {@code nextBatchWatermarkMs}).
 */
public final class StreamCheckpoint {
  private static final Pattern WATERMARK = Pattern.compile("\"batchWatermarkMs\"\\s*:\\s*(\\d+)");
  private static final Pattern NEXT_WATERMARK =
      Pattern.compile("\"nextBatchWatermarkMs\"\\s*:\\s*(\\d+)");
  private static final Pattern BATCH = Pattern.compile("\\d+");
  private static final Pattern QUERY_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private StreamCheckpoint() {}

  /**
   * The event-time watermark of the last committed batch: every window that ends at or before it
   * has been finalised by the stream. Null when there is no checkpoint (no stream ever ran); {@link
   * Instant#EPOCH} when the stream has committed nothing or seen no event yet.
   */
  public static Instant committedWatermark(Configuration hadoop, String checkpoint) {
    try {
      Path root = new Path(checkpoint);
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return null;
      }
      long last = lastBatch(fs, new Path(root, "commits"));
      if (last < 0) {
        return Instant.EPOCH;
      }
      Path offsets = new Path(new Path(root, "offsets"), Long.toString(last));
      return watermark(fs, offsets, WATERMARK)
          .orElseThrow(() -> new IllegalStateException("no batchWatermarkMs in " + offsets));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
    }
  }

  /**
   * The watermark the last committed batch moved the stream to ({@code nextBatchWatermarkMs} of
   * {@code commits/N}), or {@link #committedWatermark} when the commit does not record one. A
   * sliced append-mode stream has written every window that ends at or before it (the batch that
   * moves the watermark past a window's end writes it). Null when there is no checkpoint.
   */
  public static Instant nextWatermark(Configuration hadoop, String checkpoint) {
    Instant committed = committedWatermark(hadoop, checkpoint);
    if (committed == null) {
      return null;
    }
    try {
      Path root = new Path(checkpoint);
      FileSystem fs = root.getFileSystem(hadoop);
      long last = lastBatch(fs, new Path(root, "commits"));
      if (last < 0) {
        return committed;
      }
      Optional<Instant> next =
          watermark(fs, new Path(new Path(root, "commits"), Long.toString(last)), NEXT_WATERMARK);
      return next.filter(n -> n.isAfter(committed)).orElse(committed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
    }
  }

  /**
   * The id of the streaming query a checkpoint belongs to (Spark writes it to {@code metadata} when
   * the query first starts, and keeps it across restarts); empty when the checkpoint is missing or
   * has no query yet.
   */
  public static Optional<String> queryId(Configuration hadoop, String checkpoint) {
    Path metadata = new Path(checkpoint, "metadata");
    try {
      FileSystem fs = metadata.getFileSystem(hadoop);
      if (!fs.exists(metadata)) {
        return Optional.empty();
      }
      String content;
      try (var in = fs.open(metadata)) {
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher m = QUERY_ID.matcher(content);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metadata, e);
    }
  }

  /**
   * The watermark batch {@code batchId} runs with, from its offset log entry (written before the
   * batch runs, so a replay reads the same value); 0 when the batch has none.
   */
  public static long batchWatermark(Configuration hadoop, String checkpoint, long batchId) {
    Path offsets = new Path(new Path(checkpoint, "offsets"), Long.toString(batchId));
    try {
      return watermark(offsets.getFileSystem(hadoop), offsets, WATERMARK)
          .map(Instant::toEpochMilli)
          .orElse(0L);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + offsets, e);
    }
  }

  /**
   * Windows a stateful query has closed but not yet written: those ending after {@code emittedUpTo}
   * and at or before {@code closedUpTo}. In append mode a window is written by the first batch that
   * runs with a watermark at or past its end; after the last batch with data Spark runs a no-data
   * batch for that. A query stopped between the two (a crash, a kill) comes back without it: Spark
   * plans a no-data batch only from the batch before, which a restart does not have, so the windows
   * stay in the state store, complete, until a batch with data runs.
   */
  public record HeldWindows(Instant emittedUpTo, Instant closedUpTo) {}

  /**
   * The windows held in state by a stop between a batch and its no-data batch: present when the
   * last committed batch advanced the watermark ({@code commits/N} has a later {@code
   * nextBatchWatermarkMs} than {@code offsets/N}'s {@code batchWatermarkMs}) and no batch N+1 was
   * planned. Empty when there is no checkpoint or nothing is held.
   */
  public static Optional<HeldWindows> heldWindows(Configuration hadoop, String checkpoint) {
    try {
      Path root = new Path(checkpoint);
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return Optional.empty();
      }
      long last = lastBatch(fs, new Path(root, "commits"));
      if (last < 0 || lastBatch(fs, new Path(root, "offsets")) != last) {
        return Optional.empty();
      }
      String batch = Long.toString(last);
      Optional<Instant> emitted =
          watermark(fs, new Path(new Path(root, "offsets"), batch), WATERMARK);
      Optional<Instant> closed =
          watermark(fs, new Path(new Path(root, "commits"), batch), NEXT_WATERMARK);
      return emitted.isPresent() && closed.isPresent() && closed.get().isAfter(emitted.get())
          ? Optional.of(new HeldWindows(emitted.get(), closed.get()))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
    }
  }

  /** The watermark {@code key} finds in a checkpoint file, if the file has it. */
  private static Optional<Instant> watermark(FileSystem fs, Path file, Pattern key)
      throws IOException {
    String content;
    try (var in = fs.open(file)) {
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = key.matcher(content);
    return m.find()
        ? Optional.of(Instant.ofEpochMilli(Long.parseLong(m.group(1))))
        : Optional.empty();
  }

  private static long lastBatch(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return -1;
    }
    long last = -1;
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (BATCH.matcher(name).matches()) {
        last = Math.max(last, Long.parseLong(name));
      }
    }
    return last;
  }
}
