package dev.tidemark.run;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A small file in the lake mapping each topic to a bronze ingest time (microseconds since the
 * epoch): how far a pipeline's repairs have scanned bronze ({@code bookmark}), or how far the
 * repair in progress scans ({@code plan}, kept until it finishes so a rerun after a crash repeats
 * the same scan and its journal still applies).
 */
public final class RepairScanState {
  private final FileSystem fs;
  private final Path path;

  public RepairScanState(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  /** Topic to ingest time in microseconds; empty when the file does not exist. */
  public Map<String, Long> read() {
    Map<String, Long> out = new TreeMap<>();
    try {
      if (!fs.exists(path)) {
        return out;
      }
      Properties p = new Properties();
      try (var in = fs.open(path)) {
        p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      p.stringPropertyNames().forEach(k -> out.put(k, Long.parseLong(p.getProperty(k))));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  public void write(Map<String, Long> micros) {
    Properties p = new Properties();
    micros.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
    StringWriter text = new StringWriter();
    try {
      p.store(text, "bronze ingest time per topic, microseconds since the epoch");
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public void delete() {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
