package dev.tidemark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed accessors over one HOCON file that collect problems instead of stopping at the first, so a
 * user sees everything wrong with a file at once. Each problem names the file and the key.
 */
final class ConfigReader {
  private final Config config;
  private final Path file;
  private final List<ConfigProblem> problems = new ArrayList<>();

  ConfigReader(Config config, Path file) {
    this.config = config;
    this.file = file;
  }

  List<ConfigProblem> problems() {
    return problems;
  }

  Path file() {
    return file;
  }

  void problem(String key, String message) {
    problems.add(new ConfigProblem(file, key, message));
  }

  boolean has(String key) {
    return config.hasPath(key);
  }

  String string(String key) {
    return read(key, () -> config.getString(key), null);
  }

  String string(String key, String fallback) {
    return config.hasPath(key) ? string(key) : fallback;
  }

  Duration duration(String key) {
    Duration d = read(key, () -> config.getDuration(key), null);
    if (d != null && (d.isNegative() || d.isZero())) {
      problem(key, "must be a positive duration such as '5 minutes', got '" + d + "'");
      return null;
    }
    return d;
  }

  /** A boolean written {@code true} or {@code false}; anything else is a problem. */
  boolean bool(String key, boolean fallback) {
    if (!config.hasPath(key)) {
      return fallback;
    }
    String raw = string(key);
    if ("true".equals(raw) || "false".equals(raw)) {
      return Boolean.parseBoolean(raw);
    }
    if (raw != null) {
      problem(key, "must be true or false, got '" + raw + "'");
    }
    return fallback;
  }

  /** A trigger: {@code available-now} or a duration such as {@code 30 seconds}. */
  TriggerSpec trigger(String key, TriggerSpec fallback) {
    if (!config.hasPath(key)) {
      return fallback;
    }
    String raw = string(key);
    if (raw == null) {
      return null;
    }
    if (raw.trim().equals("available-now")) {
      return TriggerSpec.availableNowTrigger();
    }
    Duration d = duration(key);
    return d == null ? null : TriggerSpec.every(d);
  }

  Optional<Duration> optionalDuration(String key) {
    return config.hasPath(key) ? Optional.ofNullable(duration(key)) : Optional.empty();
  }

  List<String> strings(String key, List<String> fallback) {
    if (!config.hasPath(key)) {
      return fallback;
    }
    List<String> list = read(key, () -> config.getStringList(key), fallback);
    return list == null ? fallback : List.copyOf(list);
  }

  /** The HOCON object at {@code key}, or null (with a problem) when it is not one. */
  ConfigObject object(String key) {
    return read(key, () -> config.getObject(key), null);
  }

  /** A HOCON object as a flat map of string settings; dotted keys keep their dots. */
  Map<String, String> settings(String key) {
    if (!config.hasPath(key)) {
      return Map.of();
    }
    Config sub = read(key, () -> config.getConfig(key), null);
    if (sub == null) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    sub.entrySet()
        .forEach(
            e ->
                out.put(
                    String.join(".", ConfigUtil.splitPath(e.getKey())),
                    String.valueOf(e.getValue().unwrapped())));
    return new LinkedHashMap<>(out);
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
    if (!config.hasPath(key)) {
      if (fallback == null) {
        problem(key, "is required; one of " + names(type));
      }
      return fallback;
    }
    String raw = string(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, raw.trim().toUpperCase().replace('-', '_'));
    } catch (IllegalArgumentException e) {
      problem(key, "unknown value '" + raw + "'; expected one of " + names(type));
      return fallback;
    }
  }

  private static <E extends Enum<E>> List<String> names(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase().replace('_', '-'));
    }
    return names;
  }

  private interface Read<T> {
    T get();
  }

  private <T> T read(String key, Read<T> read, T fallback) {
    try {
      return read.get();
    } catch (ConfigException.Missing e) {
      problem(key, "is required but missing");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      problem(key, cleanMessage(e));
    } catch (ConfigException e) {
      problem(key, cleanMessage(e));
    }
    return fallback;
  }

  private static String cleanMessage(ConfigException e) {
    String m = e.getMessage();
    int colon = m.indexOf(": ");
    // Typesafe prefixes the origin ("file.conf: 12: ..."); the problem already names the file.
    return e.origin() != null && colon > 0 && m.startsWith(e.origin().description())
        ? m.substring(e.origin().description().length() + 2)
        : m;
  }
}
