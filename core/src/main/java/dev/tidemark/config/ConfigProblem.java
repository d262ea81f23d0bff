package dev.tidemark.config;

import java.nio.file.Path;

/** One thing wrong with a configuration: the file, the key (or check) and what is wrong. */
public record ConfigProblem(Path file, String key, String message) {
  @Override
  public String toString() {
    return (file == null ? "<config>" : file.toString())
        + (key == null || key.isEmpty() ? "" : ": " + key)
        + ": "
        + message;
  }
}
