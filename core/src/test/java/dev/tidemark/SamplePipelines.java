package dev.tidemark;

import dev.tidemark.config.ConfigKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The three sample pipelines shipped in conf/pipelines, copied into a folder of their own: tests
 * load them from there, so pipelines a user adds to conf/pipelines (valid or not) never change what
 * the tests run or count.
 */
public final class SamplePipelines {
  public static final List<String> NAMES =
      List.of("card-velocity", "page-analytics", "sensor-readings");

  private static Path dir;

  private SamplePipelines() {}

  /** The sample pipeline that reads another (sensor-readings' table), and what it reads. */
  public static final List<String> CHAIN = List.of("sensor-readings", "sensor-hourly");

  /** The folder (one per test JVM) holding only the sample pipelines and their SQL. */
  public static synchronized Path dir() {
    if (dir == null) {
      dir = copy(NAMES, "");
    }
    return dir;
  }

  /** A folder (one per call) holding only the shipped pipelines {@code names} and their SQL. */
  public static Path copy(List<String> names, String suffix) {
    Path shipped = TestSpark.projectDir().resolve("conf/pipelines");
    Path target =
        TestSpark.projectDir()
            .resolve("target/sample-pipelines/" + ProcessHandle.current().pid() + suffix);
    try {
      Files.createDirectories(target);
      for (String name : names) {
        for (String ext : List.of(".conf", ".sql")) {
          Files.copy(
              shipped.resolve(name + ext),
              target.resolve(name + ext),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** The override that points a configuration at the samples only. */
  public static Map<String, String> overrides() {
    return Map.of(ConfigKeys.PIPELINES_DIR, dir().toString());
  }
}
