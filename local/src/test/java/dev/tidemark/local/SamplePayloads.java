package dev.tidemark.local;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads fields of the generators' flat JSON payloads, for tests of their shapes. */
public final class SamplePayloads {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SamplePayloads() {}

  /** The value of {@code field} (quotes removed), or null. */
  public static String field(GeneratedEvent event, String field) {
    Matcher m =
        PATTERNS
            .computeIfAbsent(
                field, f -> Pattern.compile("\"" + Pattern.quote(f) + "\":\"?([^\",}]*)"))
            .matcher(new String(event.value(), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  /** The well-formed events (on time or late). */
  public static List<GeneratedEvent> wellFormed(List<GeneratedEvent> events) {
    return events.stream().filter(e -> e.kind() != GeneratedEvent.Kind.MALFORMED).toList();
  }

  /** How many well-formed events have each value of {@code by}, sorted by value. */
  public static Map<String, Long> countBy(
      List<GeneratedEvent> events, Function<GeneratedEvent, String> by) {
    return wellFormed(events).stream()
        .collect(Collectors.groupingBy(by, TreeMap::new, Collectors.counting()));
  }
}
