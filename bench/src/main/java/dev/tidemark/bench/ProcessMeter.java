package dev.tidemark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and peak resident memory of one process, read from {@code /proc} (Linux). The peak
 * (VmHWM) can be reset between phases by writing 5 to {@code /proc/PID/clear_refs}; when the kernel
 * refuses, peaks are of the process's whole life so far, and {@link #resettable()} says so.
 */
final class ProcessMeter {
  private final long pid;
  private final boolean resettable;

  ProcessMeter(long pid) {
    this.pid = pid;
    this.resettable = resetPeak();
  }

  long pid() {
    return pid;
  }

  boolean resettable() {
    return resettable;
  }

  /** User plus system CPU time so far, all threads (GC and JIT included). */
  Duration cpu() {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
  }

  /** Peak resident set size in bytes since start or the last {@link #resetPeak()}. */
  long peakRssBytes() {
    return statusField("VmHWM");
  }

  long rssBytes() {
    return statusField("VmRSS");
  }

  boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private long statusField(String name) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith(name + ":")) {
          String kb = line.substring(name.length() + 1).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
