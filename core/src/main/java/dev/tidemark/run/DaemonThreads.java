package dev.tidemark.run;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Tidemark's background threads (metrics writer, lock heartbeat, status and progress lines): one
 * named daemon thread each, so none of them keeps the JVM alive or hides in a thread dump.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** One daemon thread named {@code name} that runs tasks in order. */
  public static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(named(name));
  }

  /** One daemon thread named {@code name} that runs tasks on a schedule. */
  public static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }

  private static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
