package dev.tidemark.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure, once per bucket and JVM, that the object store really enforces {@code If-None-Match:
 * *} before the first commit relies on it. A store that ignores the header would accept two commits
 * of the same version and keep only the last one, silently; this check turns that into an error
 * before any commit is written.
 *
 * <p>It creates a probe object beside the commit files ({@code _delta_log/.tidemark-put-check-*}, a
 * name Delta ignores), creates it again with other content, expects the second create to be
 * refused, and deletes the probe.
 */
final class ConditionalWriteCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ConditionalWriteCheck.class);
  private static final Set<String> VERIFIED = ConcurrentHashMap.newKeySet();

  private ConditionalWriteCheck() {}

  static void verifyOnce(S3AFileSystem fs, Path logDir) throws IOException {
    String bucket = fs.getUri().toString();
    if (VERIFIED.contains(bucket)) {
      return;
    }
    Path probe = new Path(logDir, ".tidemark-put-check-" + UUID.randomUUID());
    try {
      PutIfAbsent.create(fs, probe, "first".getBytes(StandardCharsets.UTF_8));
      PutIfAbsent.Outcome second =
          PutIfAbsent.create(fs, probe, "second".getBytes(StandardCharsets.UTF_8));
      if (second != PutIfAbsent.Outcome.EXISTS) {
        throw new IOException(
            "The object store behind "
                + bucket
                + " (endpoint "
                + fs.getConf().getTrimmed("fs.s3a.endpoint", "AWS default")
                + ") ignores conditional writes (If-None-Match: *): it overwrote an existing"
                + " object. "
                + S3ConditionalPutLogStore.class.getSimpleName()
                + " cannot keep concurrent commits apart on it. Use Delta's single-driver"
                + " LogStore instead (spark.delta.logStore.s3a.impl ="
                + " io.delta.storage.S3SingleDriverLogStore, see docs/storage.md) and let only"
                + " one driver write each table.");
      }
    } finally {
      try {
        fs.delete(probe, false);
      } catch (IOException e) {
        LOG.warn("Could not delete the probe object {}: {}", probe, e.toString());
      }
    }
    VERIFIED.add(bucket);
    LOG.info("{} enforces conditional writes (If-None-Match: *)", bucket);
  }
}
