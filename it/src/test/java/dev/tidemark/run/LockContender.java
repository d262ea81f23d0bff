package dev.tidemark.run;

import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;

/**
 * A process contending for one {@link LakeLock}, driven line by line on its standard input, for
 * LakeLockIT. Arguments: the configuration file, the lake, the name it presents (its machine
 * identity too), heartbeat and stale-after in milliseconds. Commands: {@code acquire ROUND AT_MS}
 * (try at that wall-clock instant; prints {@code ROUND won GENERATION} or {@code ROUND lost
 * MESSAGE}), {@code release ROUND} (prints {@code ROUND released}), {@code exit}.
 */
public final class LockContender {
  private LockContender() {}

  public static void main(String[] args) throws Exception {
    TidemarkConfig config = ConfigLoader.load(Path.of(args[0]), Map.of(ConfigKeys.LAKE, args[1]));
    String name = args[2];
    LakeLock.Settings settings =
        new LakeLock.Settings(
            Duration.ofMillis(Long.parseLong(args[3])),
            Duration.ofMillis(Long.parseLong(args[4])),
            "machine-" + name);
    FileSystem fs = LakeFileSystem.of(config);
    org.apache.hadoop.fs.Path lockPath = LakeLayout.of(config).streamLock("contended");
    fs.exists(lockPath); // open the connection before the first round
    System.out.println("ready");
    System.out.flush();
    LakeLock held = null;
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] cmd = line.trim().split(" ");
      switch (cmd[0]) {
        case "acquire" -> {
          long wait = Long.parseLong(cmd[2]) - System.currentTimeMillis();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          try {
            held =
                LakeLock.acquire(
                    fs, lockPath, "contender " + name, "lock test", "Try later.", settings);
            System.out.println(cmd[1] + " won " + held.generation());
          } catch (LakeLock.AlreadyRunningException e) {
            System.out.println(cmd[1] + " lost " + e.getMessage());
          }
        }
        case "release" -> {
          held.close();
          held = null;
          System.out.println(cmd[1] + " released");
        }
        case "exit" -> System.exit(0);
        default -> System.out.println("unknown command " + line);
      }
      System.out.flush();
    }
  }
}
