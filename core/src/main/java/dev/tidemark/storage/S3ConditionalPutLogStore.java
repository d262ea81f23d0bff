package dev.tidemark.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * A Delta {@link io.delta.storage.LogStore} for {@code s3a://} that is safe with several drivers
 * writing the same table at once (a stream and a backfill, two backfills of different ranges).
 *
 * <p>Delta's contract for a commit is "create {@code _delta_log/NNN.json} only if it does not
 * exist, atomically, else throw {@link FileAlreadyExistsException}"; Delta then re-reads the log,
 * checks the winning commit for logical conflicts and retries at the next version. Delta's default
 * for S3 ({@code S3SingleDriverLogStore}) only emulates this inside one JVM, so two drivers can
 * both write version N and one commit silently disappears. This store creates every file that must
 * not be overwritten with one conditional PUT ({@code If-None-Match: *}): the object store itself
 * refuses the second writer with 412, which becomes {@link FileAlreadyExistsException}.
 *
 * <p>Requirements: hadoop-aws 3.5 ({@link S3AFileSystem}), and a store that enforces conditional
 * writes (AWS S3 since August 2024, MinIO, S3Proxy 4.1). The first commit into each bucket checks
 * this and fails with an explanation if the store ignores the header ({@link
 * ConditionalWriteCheck}). Reads and listings go through the FileSystem; S3 lists consistently.
 * Files written with {@code overwrite=true} ({@code _last_checkpoint}) are plain PUTs. An S3 PUT is
 * all-or-nothing, so partial writes are never visible.
 */
public class S3ConditionalPutLogStore extends HadoopFileSystemLogStore {

  public S3ConditionalPutLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  @Override
  public void write(
      Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    S3AFileSystem fs = s3a(path, hadoopConf);
    byte[] content = lines(actions);
    if (overwrite) {
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(content);
      }
      return;
    }
    ConditionalWriteCheck.verifyOnce(fs, path.getParent());
    if (PutIfAbsent.create(fs, path, content) == PutIfAbsent.Outcome.EXISTS) {
      throw new FileAlreadyExistsException(path.toString());
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false;
  }

  private static S3AFileSystem s3a(Path path, Configuration hadoopConf) throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    if (fs instanceof S3AFileSystem s3a) {
      return s3a;
    }
    throw new IOException(
        S3ConditionalPutLogStore.class.getName()
            + " writes only through hadoop-aws's S3AFileSystem, but "
            + path
            + " is served by "
            + fs.getClass().getName()
            + "; set spark.delta.logStore."
            + path.toUri().getScheme()
            + ".impl to a LogStore for that file system");
  }

  /** Delta's commit file format: one action per line, each line ending with a newline. */
  private static byte[] lines(Iterator<String> actions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (actions.hasNext()) {
      out.writeBytes((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
