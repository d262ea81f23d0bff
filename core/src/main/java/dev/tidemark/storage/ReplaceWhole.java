package dev.tidemark.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * Writes a small file whole, creating it or replacing what is there, so that a reader sees the old
 * content or the new one, never a part: on s3a one PUT of the whole object (an S3 object becomes
 * visible only once complete, and replaces the previous one at once; a rename there would be a copy
 * and a delete); on a local disk a file written aside and renamed over the target ({@code
 * rename(2)} replaces atomically); elsewhere (HDFS) a file written aside and renamed over the
 * target with {@link FileContext}'s {@code OVERWRITE} rename, which the name node performs
 * atomically. Of several writers of one path the last one wins, whole; nothing is merged.
 */
public final class ReplaceWhole {
  private ReplaceWhole() {}

  public static void write(FileSystem fs, Path path, byte[] content) throws IOException {
    if (fs instanceof S3AFileSystem) {
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(content);
      }
      return;
    }
    String asideName = ".tmp-" + UUID.randomUUID() + "-" + path.getName();
    if ("file".equals(fs.getScheme())) {
      // java.nio rather than Hadoop's local file system: no .crc file beside it to go stale.
      java.nio.file.Path target = java.nio.file.Path.of(fs.makeQualified(path).toUri());
      Files.createDirectories(target.getParent());
      java.nio.file.Path aside = target.resolveSibling(asideName);
      try {
        Files.write(aside, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(
            aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(aside);
      }
      return;
    }
    Path aside = new Path(path.getParent(), asideName);
    try {
      try (FSDataOutputStream out = fs.create(aside, false)) {
        out.write(content);
      }
      FileContext.getFileContext(fs.getUri(), fs.getConf())
          .rename(aside, path, Options.Rename.OVERWRITE);
    } finally {
      fs.delete(aside, false);
    }
  }
}
