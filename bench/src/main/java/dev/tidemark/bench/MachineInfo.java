package dev.tidemark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a bench ran on, read from the JVM and {@code /proc}. */
record MachineInfo(
    int cores, long memoryBytes, String cpuModel, String jdk, String os, String loadAverage) {

  static MachineInfo current() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        readCpuModel(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        loadAverageNow());
  }

  /** The 1, 5 and 15 minute load averages now: above the core count, the machine was busy. */
  static String loadAverageNow() {
    List<String> lines = lines("/proc/loadavg");
    if (lines.isEmpty()) {
      return "unknown";
    }
    String[] f = lines.get(0).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static long memTotal() {
    for (String l : lines("/proc/meminfo")) {
      if (l.startsWith("MemTotal:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static String readCpuModel() {
    for (String l : lines("/proc/cpuinfo")) {
      if (l.startsWith("model name")) {
        return l.substring(l.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();
    }
  }
}
