package dev.tidemark.run;

import dev.tidemark.storage.CreateIfAbsent;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock in the lake, exclusive on any file system the lake lives on, including object storage: one
 * backfill or repair per pipeline ({@code _tidemark/locks/PIPELINE.backfill}), one bronze ingest
 * per topic ({@code _tidemark/locks/bronze/TOPIC.ingest}), one stream per pipeline ({@code
 * _tidemark/locks/stream/PIPELINE}).
 *
 * <p>A lock is a folder of generation files {@code lock.1}, {@code lock.2}, ... The highest one
 * says who holds the lock: an owner (a random token, with host, process and what it does, for
 * people) or {@code free}. Every change of hands creates the next generation with a
 * create-if-absent ({@link CreateIfAbsent}: a conditional PUT on s3a), so of several contenders for
 * a generation exactly one wins: acquiring a free lock, taking over a dead holder's and releasing
 * are all the same step. Nothing is ever overwritten or deleted to change hands.
 *
 * <p>The holder proves it is alive by rewriting {@code beat.N} (its token and a counter) every
 * {@link Settings#heartbeat}. A contender judges the holder dead only when that counter has not
 * moved for {@link Settings#staleAfter} by the contender's own monotonic clock: no two hosts'
 * clocks are ever compared. Before each beat the holder checks that no newer generation exists; if
 * one does, it has lost the lock ({@link #lost()}) and stops beating. On the same machine (same
 * kernel boot and PID namespace, so that process ids mean the same process) a contender asks the
 * operating system instead: a holder whose process is gone is taken over at once, a live one is
 * refused at once. A host name alone never counts: containers share host names.
 */
public final class LakeLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LakeLock.class);
  private static final Pattern GENERATION = Pattern.compile("lock\\.(\\d+)");
  private static final String FREE = "free";
  private static final int MAX_ROUNDS = 20;

  /**
   * How often a holder beats, how long a silent holder is trusted, and this process's machine
   * identity (processes with equal identities can check each other's process ids).
   */
  public record Settings(Duration heartbeat, Duration staleAfter, String machine) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), localMachine());
    }
  }

  /** Raised when another live process holds the lock. */
  public static final class AlreadyRunningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyRunningException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path base;
  private final long generation;
  private final String token;
  private final Settings settings;
  private final ScheduledExecutorService heartbeat;
  private long beats;
  private volatile boolean lost;
  private boolean closed;

  private LakeLock(FileSystem fs, Path base, long generation, String token, Settings settings) {
    this.fs = fs;
    this.base = base;
    this.generation = generation;
    this.token = token;
    this.settings = settings;
    beat(); // at once: a contender watching this generation sees it alive from the start
    this.heartbeat = DaemonThreads.scheduled("lake-lock-heartbeat " + base.getName());
    long every = settings.heartbeat().toMillis();
    heartbeat.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** Takes a backfill lock, or throws {@link AlreadyRunningException} naming the holder. */
  public static LakeLock acquire(FileSystem fs, Path base, String description) {
    return acquire(
        fs,
        base,
        description,
        "backfill",
        "Wait for it to finish; a lock left by a killed run is taken over automatically once its"
            + " holder has stopped beating.");
  }

  /**
   * Takes the lock at {@code base} for an {@code activity} or throws {@link
   * AlreadyRunningException} naming the holder and giving {@code advice}.
   */
  public static LakeLock acquire(
      FileSystem fs, Path base, String description, String activity, String advice) {
    return acquire(fs, base, description, activity, advice, Settings.defaults());
  }

  /** {@link #acquire(FileSystem, Path, String, String, String)} with explicit settings. */
  public static LakeLock acquire(
      FileSystem fs,
      Path base,
      String description,
      String activity,
      String advice,
      Settings settings) {
    String token = UUID.randomUUID().toString();
    String mine = holderText(token, description, settings.machine());
    try {
      refuseOldFormat(fs, base);
      for (int round = 0; round < MAX_ROUNDS; round++) {
        long top = topGeneration(fs, base);
        if (top == 0) {
          if (claim(fs, base, 1, mine)) {
            return new LakeLock(fs, base, 1, token, settings);
          }
          continue; // someone else created the first generation
        }
        String current = read(fs, generationPath(base, top));
        if (current == null) {
          continue; // cleaned up since the listing: look again
        }
        if (current.isEmpty()) {
          sleep(50); // being written (HDFS shows a file before its bytes)
          continue;
        }
        if (current.startsWith(FREE)) {
          if (claim(fs, base, top + 1, mine)) {
            return new LakeLock(fs, base, top + 1, token, settings);
          }
          continue;
        }
        Map<String, String> holder = fields(current);
        Holder state = judge(fs, base, top, holder, settings);
        if (state == Holder.CHANGED) {
          continue; // released or taken over while watching: look again
        }
        if (state == Holder.ALIVE) {
          throw new AlreadyRunningException(
              "another "
                  + activity
                  + " is already running: "
                  + describe(holder)
                  + " (lock "
                  + base
                  + "). "
                  + advice);
        }
        if (claim(fs, base, top + 1, mine)) {
          LOG.warn("took over the lock {} from a holder that stopped: {}", base, describe(holder));
          return new LakeLock(fs, base, top + 1, token, settings);
        }
        // Another contender took it over first: look again (it is alive now).
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lock " + base, e);
    }
    throw new AlreadyRunningException(
        "another " + activity + " keeps changing the lock " + base + "; try again. " + advice);
  }

  /** The generation this process holds. */
  public long generation() {
    return generation;
  }

  /** True once another process has taken the lock over (this one had stopped beating too long). */
  public boolean lost() {
    return lost;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // No further beat; one already under way finishes. Interrupting it would abort its upload (on
    // S3A: a WARN "Transfer failure of block" and "cannot refresh the lock" on every clean stop
    // that hit one); only a beat stuck for 30 s is interrupted.
    heartbeat.shutdown();
    try {
      if (!heartbeat.awaitTermination(30, TimeUnit.SECONDS)) {
        heartbeat.shutdownNow();
      }
    } catch (InterruptedException e) {
      heartbeat.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (lost) {
      LOG.warn("lock {} was taken over by another process before this one released it", base);
      return;
    }
    try {
      // Release = the next generation, free. Fails only if someone took the lock over meanwhile.
      if (!claim(fs, base, generation + 1, FREE + " released-by=" + token + "\n")) {
        lost = true;
        LOG.warn("lock {} was taken over by another process before this one released it", base);
      }
      // Older generations decide nothing any more.
      deleteQuietly(beatPath(base, generation));
      for (long old = generation - 1; old >= Math.max(1, generation - 2); old--) {
        deleteQuietly(generationPath(base, old));
        deleteQuietly(beatPath(base, old));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock " + base, e);
    }
  }

  @Override
  public String toString() {
    return base + " (generation " + generation + ")";
  }

  private void tick() {
    try {
      if (fs.exists(generationPath(base, generation + 1))) {
        lost = true;
        LOG.error(
            "lost the lock {}: another process took it over (this one did not beat for {})",
            base,
            settings.staleAfter());
        heartbeat.shutdown();
        return;
      }
      beat();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot refresh the lock {}: {}", base, e.toString());
    }
  }

  private void beat() {
    try (FSDataOutputStream out = fs.create(beatPath(base, generation), true)) {
      out.write((token + " " + beats++ + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the heartbeat of lock " + base, e);
    }
  }

  /** What a contender found out about the holder of the top generation. */
  private enum Holder {
    ALIVE,
    DEAD,
    /** A newer generation appeared meanwhile (a release or another contender's takeover). */
    CHANGED
  }

  /**
   * Whether the holder of generation {@code top} is gone: by the operating system on the same
   * machine, else by its heartbeat not moving for {@code staleAfter} on this process's clock. Alive
   * as soon as the heartbeat moves.
   */
  private static Holder judge(
      FileSystem fs, Path base, long top, Map<String, String> holder, Settings settings)
      throws IOException {
    if (settings.machine().equals(holder.get("machine"))) {
      Optional<Boolean> alive = processAlive(holder);
      if (alive.isPresent()) {
        return alive.get() ? Holder.ALIVE : Holder.DEAD;
      }
    }
    String first = read(fs, beatPath(base, top));
    long since = System.nanoTime();
    long poll = Math.max(settings.heartbeat().toMillis() / 4, 10);
    while (System.nanoTime() - since < settings.staleAfter().toNanos()) {
      sleep(poll);
      if (fs.exists(generationPath(base, top + 1))) {
        return Holder.CHANGED;
      }
      if (!Objects.equals(read(fs, beatPath(base, top)), first)) {
        return Holder.ALIVE;
      }
    }
    return Holder.DEAD;
  }

  /** Whether the holder's process runs, if this machine can tell (same pid and start time). */
  private static Optional<Boolean> processAlive(Map<String, String> holder) {
    try {
      long pid = Long.parseLong(holder.getOrDefault("pid", ""));
      String started = holder.getOrDefault("started", "");
      return Optional.of(
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .map(p -> started.isEmpty() || started.equals(startOf(p)))
              .orElse(false));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String startOf(ProcessHandle p) {
    return p.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("");
  }

  /** Creates generation {@code n} with {@code text} if nobody has; true if this call did. */
  private static boolean claim(FileSystem fs, Path base, long n, String text) throws IOException {
    return CreateIfAbsent.create(
        fs, generationPath(base, n), text.getBytes(StandardCharsets.UTF_8));
  }

  private static long topGeneration(FileSystem fs, Path base) throws IOException {
    FileStatus[] files;
    try {
      files = fs.listStatus(base);
    } catch (FileNotFoundException e) {
      return 0;
    }
    long top = 0;
    for (FileStatus f : files) {
      Matcher m = GENERATION.matcher(f.getPath().getName());
      if (m.matches()) {
        top = Math.max(top, Long.parseLong(m.group(1)));
      }
    }
    return top;
  }

  /** A lock file of an older Tidemark (one file, not a folder) is reported, never overwritten. */
  private static void refuseOldFormat(FileSystem fs, Path base) throws IOException {
    try {
      if (fs.getFileStatus(base).isFile()) {
        throw new AlreadyRunningException(
            "found a lock file of an older Tidemark at "
                + base
                + ": "
                + read(fs, base)
                + ". Delete it once that process has stopped.");
      }
    } catch (FileNotFoundException e) {
      // no lock yet
    }
  }

  static Path generationPath(Path base, long n) {
    return new Path(base, "lock." + n);
  }

  private static Path beatPath(Path base, long n) {
    return new Path(base, "beat." + n);
  }

  private static String holderText(String token, String description, String machine) {
    ProcessHandle self = ProcessHandle.current();
    return "token="
        + token
        + "\nhost="
        + hostName()
        + "\npid="
        + self.pid()
        + "\nstarted="
        + startOf(self)
        + "\nmachine="
        + machine
        + "\nsince="
        + Instant.now()
        + "\nwhat="
        + description.replace('\n', ' ')
        + "\n";
  }

  private static String describe(Map<String, String> holder) {
    return holder.getOrDefault("what", "?")
        + " (host "
        + holder.getOrDefault("host", "?")
        + ", pid "
        + holder.getOrDefault("pid", "?")
        + ", since "
        + holder.getOrDefault("since", "?")
        + ")";
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /**
   * The file's text, or null if it does not exist. A heartbeat is rewritten in place while others
   * read it: on s3a a read that spans a rewrite fails (HTTP 412, the object changed after it was
   * opened), so a failed read is tried again, from a fresh open, a few times.
   */
  private static String read(FileSystem fs, Path path) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (var in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      } catch (FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        if (attempt >= READ_ATTEMPTS) {
          throw e;
        }
        sleep(10L * attempt);
      }
    }
  }

  private static final int READ_ATTEMPTS = 4;

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.debug("cannot delete {}: {}", path, e.toString());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /**
   * This machine for process-id purposes: the kernel's boot id and this process's PID namespace
   * (Linux). Two containers on one host share the boot id but not the namespace, so they are two
   * machines here. Elsewhere a random id: every process is its own machine and only heartbeats
   * count.
   */
  static String localMachine() {
    try {
      String boot = Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/boot_id"));
      String ns = Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
      return boot.strip() + "/" + ns;
    } catch (IOException | RuntimeException e) {
      return "process-" + UUID.randomUUID();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlreadyRunningException("interrupted while waiting for a lock");
    }
  }
}
