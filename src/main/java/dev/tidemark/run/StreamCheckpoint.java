package dev.tidemark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a streaming query's checkpoint says about its progress, read from Spark's offset and commit
 * logs ({@code offsets/N}: a version line, then the batch metadata as JSON with {@code
 * batchWatermarkMs}; {@code commits/N} once batch N is done).
 */
public final class StreamCheckpoint {
  private static final Pattern WATERMARK = Pattern.compile("\"batchWatermarkMs\"\\s*:\\s*(\\d+)");
  private static final Pattern BATCH = Pattern.compile("\\d+");

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
      String content;
      try (var in = fs.open(offsets)) {
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher m = WATERMARK.matcher(content);
      if (!m.find()) {
        throw new IllegalStateException("no batchWatermarkMs in " + offsets);
      }
      return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
    }
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
