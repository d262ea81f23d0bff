package dev.tidemark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Spark DDL schema inferred from one sample JSON record: strings as STRING (ISO-8601 date-times
 * as TIMESTAMP), whole numbers as BIGINT, other numbers as DOUBLE, booleans as BOOLEAN, objects as
 * STRUCT and arrays as ARRAY of their first element's type; nulls as STRING.
 */
final class SampleSchema {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SampleSchema() {}

  /** The DDL of the record's fields, in the record's order. */
  static String infer(String json) {
    JsonNode record;
    try {
      record = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the sample is not JSON: " + e.getOriginalMessage());
    }
    if (record == null || !record.isObject() || record.isEmpty()) {
      throw new IllegalArgumentException("the sample must be one JSON object with fields");
    }
    return String.join(", ", fields(record, " "));
  }

  private static List<String> fields(JsonNode object, String separator) {
    List<String> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      out.add(name(f.getKey()) + separator + type(f.getValue()));
    }
    return out;
  }

  private static String type(JsonNode v) {
    if (v.isTextual()) {
      return isTimestamp(v.asText()) ? "TIMESTAMP" : "STRING";
    }
    if (v.isBoolean()) {
      return "BOOLEAN";
    }
    if (v.isIntegralNumber()) {
      return "BIGINT";
    }
    if (v.isNumber()) {
      return "DOUBLE";
    }
    if (v.isObject()) {
      return v.isEmpty() ? "STRING" : "STRUCT<" + String.join(", ", fields(v, ": ")) + ">";
    }
    if (v.isArray()) {
      return "ARRAY<" + (v.isEmpty() ? "STRING" : type(v.get(0))) + ">";
    }
    return "STRING";
  }

  static boolean isTimestamp(String s) {
    String t = s.strip().replace(' ', 'T');
    try {
      OffsetDateTime.parse(t);
      return true;
    } catch (DateTimeParseException e) {
      // not with an offset
    }
    try {
      LocalDateTime.parse(t);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String name(String n) {
    return PLAIN_NAME.matcher(n).matches() ? n : "`" + n.replace("`", "``") + "`";
  }
}
