package dev.tidemark.cli;

/**
 * Stops a command's long-running queries exactly when it ends: at {@link #close()} (the command
 * returned or failed) or at JVM shutdown (Ctrl-C, SIGTERM from a scheduler or Kubernetes),
 * whichever comes first, so that every query ends its micro-batch and checkpoint cleanly and every
 * lock is released. Used by every command that runs queries until they stop.
 */
final class StopOnExit implements AutoCloseable {
  private final Thread hook;

  private StopOnExit(Runnable stop) {
    this.hook = new Thread(stop, "tidemark-stop-on-exit");
  }

  /** Registers {@code stop} to run at JVM shutdown, and at {@link #close()}. */
  static StopOnExit register(Runnable stop) {
    StopOnExit s = new StopOnExit(stop);
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  @Override
  public void close() {
    hook.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it stopped the queries
    }
  }
}
