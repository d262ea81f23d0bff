package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a lock (the end of every clean stop) lets a heartbeat already under way finish: on S3A an
 * interrupted beat aborts its upload and logs two warnings on the way out (CleanStopIT's "nothing
 * alarming after the summary").
 */
class LakeLockCloseTest {
  @TempDir java.nio.file.Path dir;

  /**
   * The local file system, with the heartbeat thread's writes taking 300 ms once {@code slow} is
   * set; it notes a write that was interrupted and counts those that finished.
   */
  static final class SlowBeats extends RawLocalFileSystem {
    final CountDownLatch beatUnderWay = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();
    final AtomicInteger finished = new AtomicInteger();
    volatile boolean slow;

    @Override
    public String getScheme() {
      return "file";
    }

    @Override
    public FSDataOutputStream create(
        Path f,
        boolean overwrite,
        int bufferSize,
        short replication,
        long blockSize,
        Progressable progress)
        throws IOException {
      delayHeartbeat();
      return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    private void delayHeartbeat() throws InterruptedIOException {
      if (!slow || !Thread.currentThread().getName().startsWith("lake-lock-heartbeat")) {
        return;
      }
      beatUnderWay.countDown();
      try {
        Thread.sleep(300);
        finished.incrementAndGet();
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw new InterruptedIOException("heartbeat write interrupted");
      }
    }
  }

  @Test
  void closingLetsABeatUnderWayFinishThenReleases() throws Exception {
    SlowBeats fs = new SlowBeats();
    fs.initialize(URI.create("file:///"), new Configuration());
    Path base = new Path(dir.resolve("lock").toUri());
    LakeLock.Settings fast =
        new LakeLock.Settings(Duration.ofMillis(20), Duration.ofMinutes(1), "m");
    LakeLock lock = LakeLock.acquire(fs, base, "first", "stream", "wait", fast);
    fs.slow = true;
    assertTrue(fs.beatUnderWay.await(10, TimeUnit.SECONDS), "a heartbeat started");

    lock.close();

    assertFalse(fs.interrupted.get(), "the beat under way was interrupted");
    assertEquals(1, fs.finished.get(), "the beat under way finished before close returned");
    assertFalse(lock.lost());
    fs.slow = false;
    // Released: another holder gets it at once.
    LakeLock.acquire(fs, base, "second", "stream", "wait", fast).close();
  }
}
