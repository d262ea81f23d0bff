package dev.tidemark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backfill (or repair) per pipeline at a time: a lock file in the lake ({@code
 * _tidemark/locks/PIPELINE.backfill}) created only if absent. The same lock keeps the bronze ingest
 * of a topic to one process ({@code _tidemark/locks/bronze/TOPIC.ingest}). The holder rewrites the
 * file every {@link #HEARTBEAT} (a rewrite, not a {@code setTimes}: object stores ignore the
 * latter, so only a new object moves the modification time); a lock whose holder process is gone
 * (same host) or whose heartbeat is older than {@link #STALE_AFTER} (another host) is taken over,
 * so a killed backfill does not block its rerun.
 */
public final class BackfillLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillLock.class);
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  static final Duration STALE_AFTER = Duration.ofSeconds(90);

  /** Raised when another live backfill of the same pipeline holds the lock. */
  public static final class AlreadyRunningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyRunningException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path path;
  private final String holder;
  private final ScheduledExecutorService heartbeat;

  private BackfillLock(FileSystem fs, Path path, String holder) {
    this.fs = fs;
    this.path = path;
    this.holder = holder;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "backfill-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(
        this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock for {@code pipeline} or throws {@link AlreadyRunningException} naming the
   * holder.
   */
  public static BackfillLock acquire(FileSystem fs, Path path, String description) {
    return acquire(
        fs,
        path,
        description,
        "backfill",
        "Wait for it to finish; a lock left by a killed run is released automatically once its"
            + " process is gone.");
  }

  /**
   * Takes the lock at {@code path} for an {@code activity} or throws {@link
   * AlreadyRunningException} naming the holder and giving {@code advice}.
   */
  public static BackfillLock acquire(
      FileSystem fs, Path path, String description, String activity, String advice) {
    String holder = holderLine(description);
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        createExclusively(fs, path, holder);
        return new BackfillLock(fs, path, holder);
      } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
        String current = read(fs, path);
        if (attempt == 0 && isStale(fs, path, current)) {
          LOG.warn("taking over a stale backfill lock {} held by: {}", path, current);
          delete(fs, path);
          continue;
        }
        throw new AlreadyRunningException(
            "another "
                + activity
                + " is already running: "
                + current
                + " (lock "
                + path
                + "). "
                + advice);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create lock " + path, e);
      }
    }
    throw new AlreadyRunningException("another " + activity + " took the lock " + path);
  }

  /** Creates the lock file only if absent; atomic on a local disk (O_EXCL). */
  private static void createExclusively(FileSystem fs, Path path, String holder)
      throws IOException {
    write(fs, path, holder, false);
  }

  private static void write(FileSystem fs, Path path, String holder, boolean overwrite)
      throws IOException {
    byte[] content = holder.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(path.toUri());
      java.nio.file.Files.createDirectories(local.getParent());
      if (overwrite) {
        java.nio.file.Files.write(local, content);
      } else {
        java.nio.file.Files.write(local, content, java.nio.file.StandardOpenOption.CREATE_NEW);
      }
      return;
    }
    try (FSDataOutputStream out = fs.create(path, overwrite)) {
      out.write(content);
    }
  }

  private static String holderLine(String description) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return "host="
        + host
        + " pid="
        + ProcessHandle.current().pid()
        + " since="
        + Instant.now()
        + " "
        + description;
  }

  static boolean isStale(FileSystem fs, Path path, String holder) {
    try {
      long age = System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime();
      String host = field(holder, "host");
      String pid = field(holder, "pid");
      if (host != null && pid != null && host.equals(InetAddress.getLocalHost().getHostName())) {
        return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
      }
      return age > STALE_AFTER.toMillis();
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static String field(String holder, String name) {
    for (String part : holder.split(" ")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static String read(FileSystem fs, Path path) {
    try (var in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "(unreadable lock: " + e.getMessage() + ")";
    }
  }

  private void touch() {
    try {
      write(fs, path, holder, true);
    } catch (IOException e) {
      LOG.warn("cannot refresh backfill lock {}: {}", path, e.toString());
    }
  }

  private static void delete(FileSystem fs, Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      // A heartbeat rewrite still in flight would otherwise recreate the file after the delete.
      heartbeat.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(fs, path);
  }
}
