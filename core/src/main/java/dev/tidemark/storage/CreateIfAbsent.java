package dev.tidemark.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * Creates a small file only if its path is free, atomically, on every file system a lake lives on:
 * on s3a a conditional PUT ({@link PutIfAbsent}, {@code If-None-Match: *}); on a local disk a hard
 * link of a file written aside ({@code link(2)} fails if the name exists; Hadoop's local {@code
 * create(path, false)} checks, then creates); elsewhere (HDFS) Hadoop's {@code create(path,
 * false)}, which the name node decides atomically. Of several writers racing for one path, exactly
 * one gets {@code true}.
 */
public final class CreateIfAbsent {
  private CreateIfAbsent() {}

  /** Whether this call created {@code path} with {@code content}; false if it already existed. */
  public static boolean create(FileSystem fs, Path path, byte[] content) throws IOException {
    if (fs instanceof S3AFileSystem s3a) {
      return PutIfAbsent.create(s3a, path, content) == PutIfAbsent.Outcome.CREATED;
    }
    if ("file".equals(fs.getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(path).toUri());
      Files.createDirectories(local.getParent());
      // Written aside, then hard-linked into place: link(2) fails atomically if the name exists,
      // and a reader never sees the file half written.
      java.nio.file.Path aside =
          local.resolveSibling(".tmp-" + UUID.randomUUID() + "-" + local.getFileName());
      Files.write(aside, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.createLink(local, aside);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(aside);
      }
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }
}
