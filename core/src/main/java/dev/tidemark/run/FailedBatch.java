package dev.tidemark.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Kafka records of the micro-batch a streaming query was running when it failed, read from its
 * checkpoint: Spark writes a batch's end offsets ({@code offsets/N}: a version line, the batch
 * metadata, then one line per source, e.g. {@code {"topic":{"0":120,"1":98}}}) before running it,
 * and {@code commits/N} once it is done; the batch starts where batch N-1 ended, or for batch 0 at
 * the initial offsets the Kafka source recorded ({@code sources/0/0}).
 *
 * @param batchId the failed batch
 * @param ranges per topic and partition, the offsets it read: first and last (inclusive)
 */
public record FailedBatch(long batchId, Map<String, Map<Integer, long[]>> ranges) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The batch planned but not committed in {@code checkpoint}, with the offsets it read; empty when
   * there is none or the checkpoint cannot be read (it is only used to explain a failure).
   */
  public static Optional<FailedBatch> in(Configuration hadoop, String checkpoint) {
    try {
      Path root = new Path(checkpoint);
      FileSystem fs = root.getFileSystem(hadoop);
      long last = lastBatch(fs, new Path(root, "offsets"));
      if (last < 0 || fs.exists(new Path(new Path(root, "commits"), Long.toString(last)))) {
        return Optional.empty();
      }
      JsonNode end = offsets(fs, new Path(new Path(root, "offsets"), Long.toString(last)), true);
      JsonNode start =
          last == 0
              ? offsets(fs, new Path(root, "sources/0/0"), false)
              : offsets(fs, new Path(new Path(root, "offsets"), Long.toString(last - 1)), true);
      if (end == null || start == null) {
        return Optional.empty();
      }
      Map<String, Map<Integer, long[]>> ranges = new TreeMap<>();
      for (Iterator<String> topics = end.fieldNames(); topics.hasNext(); ) {
        String topic = topics.next();
        for (Iterator<String> ps = end.get(topic).fieldNames(); ps.hasNext(); ) {
          String p = ps.next();
          long to = end.get(topic).get(p).asLong();
          JsonNode from = start.path(topic).path(p);
          long first = from.isNumber() ? from.asLong() : 0;
          if (to > first) {
            ranges
                .computeIfAbsent(topic, t -> new TreeMap<>())
                .put(Integer.parseInt(p), new long[] {first, to - 1});
          }
        }
      }
      return Optional.of(new FailedBatch(last, ranges));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * For a message: {@code topic cards partition 0 offsets 5 to 9, partition 1 offsets 3 to 4}, or
   * "no records" when the batch read none.
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Map<Integer, long[]>> t : ranges.entrySet()) {
      List<String> partitions = new ArrayList<>();
      for (Map.Entry<Integer, long[]> p : t.getValue().entrySet()) {
        partitions.add(
            "partition " + p.getKey() + " offsets " + p.getValue()[0] + " to " + p.getValue()[1]);
      }
      parts.add("topic " + t.getKey() + " " + String.join(", ", partitions));
    }
    return parts.isEmpty() ? "no records" : String.join("; ", parts);
  }

  /**
   * The Kafka source's offsets in a checkpoint file: in an offset log entry the line after the
   * version and the batch metadata; in the source's initial offsets the JSON after its version.
   */
  private static JsonNode offsets(FileSystem fs, Path file, boolean offsetLog) throws IOException {
    if (!fs.exists(file)) {
      return null;
    }
    String content;
    try (var in = fs.open(file)) {
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (offsetLog) {
      String[] lines = content.split("\n");
      return lines.length < 3 ? null : JSON.readTree(lines[2]);
    }
    int json = content.indexOf('{');
    return json < 0 ? null : JSON.readTree(content.substring(json));
  }

  private static long lastBatch(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return -1;
    }
    long last = -1;
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.matches("\\d+")) {
        last = Math.max(last, Long.parseLong(name));
      }
    }
    return last;
  }
}
