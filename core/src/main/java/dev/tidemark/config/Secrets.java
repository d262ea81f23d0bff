package dev.tidemark.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Credentials in Kafka options: where they may come from, and keeping them out of printed
 * configuration. An option {@code NAME-file = /path} is replaced at load by {@code NAME} holding
 * the file's text (trailing line breaks dropped), e.g. {@code "kafka.sasl.jaas.config-file" =
 * /run/secrets/kafka-jaas}; an environment variable works through HOCON, e.g. {@code
 * "kafka.sasl.jaas.config" = ${?KAFKA_SASL_JAAS_CONFIG}}. Values of options whose names look secret
 * (JAAS configurations, passwords, keys, tokens, secrets, credentials) print as {@code [redacted]}.
 */
public final class Secrets {
  static final String FILE_SUFFIX = "-file";
  public static final String REDACTED = "[redacted]";
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(jaas|password|secret|token|credential|user\\.info).*|(.*\\.)?key(\\..*)?");

  private Secrets() {}

  /** Whether an option's value must not be printed. */
  public static boolean isSecret(String key) {
    return SECRET.matcher(key).matches();
  }

  /** The options with secret-looking values replaced by {@link #REDACTED}, for printing. */
  public static Map<String, String> redact(Map<String, String> options) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach((k, v) -> out.put(k, isSecret(k) ? REDACTED : v));
    return out;
  }

  /**
   * Replaces each {@code NAME-file} option read from {@code key} by {@code NAME} with the file's
   * text; a file that cannot be read is a problem naming the option.
   */
  static Map<String, String> readFiles(
      Map<String, String> options, Path configFile, String key, List<ConfigProblem> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach(
        (name, value) -> {
          if (!name.endsWith(FILE_SUFFIX)) {
            out.putIfAbsent(name, value);
            return;
          }
          String target = name.substring(0, name.length() - FILE_SUFFIX.length());
          Path file =
              (configFile == null
                      ? Path.of(value).toAbsolutePath()
                      : configFile.resolveSibling(value))
                  .normalize();
          try {
            out.put(target, Files.readString(file).replaceAll("[\\r\\n]+$", ""));
          } catch (IOException e) {
            problems.add(
                new ConfigProblem(
                    configFile,
                    key + ".\"" + name + "\"",
                    "cannot read the file " + file + " (" + e.getClass().getSimpleName() + ")"));
          }
        });
    return out;
  }
}
