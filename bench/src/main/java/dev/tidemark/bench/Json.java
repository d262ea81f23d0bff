package dev.tidemark.bench;

import java.util.List;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as indented JSON; NaN becomes null. */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(value, b, "");
    return b.append('\n').toString();
  }

  private static void write(Object v, StringBuilder b, String indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(indent).append("  ");
        string(e.getKey().toString(), b);
        b.append(": ");
        write(e.getValue(), b, indent + "  ");
        b.append(++i < m.size() ? ",\n" : "\n");
      }
      b.append(indent).append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        b.append(indent).append("  ");
        write(l.get(i), b, indent + "  ");
        b.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      b.append(indent).append(']');
    } else if (v instanceof Double d) {
      b.append(d.isNaN() || d.isInfinite() ? "null" : Double.toString(d));
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      string(v.toString(), b);
    }
  }

  private static void string(String s, StringBuilder b) {
    b.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
