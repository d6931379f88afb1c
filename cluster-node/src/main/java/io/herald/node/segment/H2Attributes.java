package io.herald.node.segment;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.herald.gateway.SegmentFilters;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * The attribute functions segment filters use on H2, which has no JSON path functions of its own.
 * The V6 migration registers each as {@code HERALD_ATTR_*} with {@code CREATE ALIAS}. They read one
 * top-level key of the stored JSON text with a streaming parser, skipping every other value without
 * building it, and answer null when the key is absent or holds another type: the same answers as
 * the JSON functions {@link SegmentSql} uses on MySQL.
 */
public final class H2Attributes {

  private static final JsonFactory JSON = new JsonFactory();

  private H2Attributes() {}

  /** The key's value when it is a string. */
  public static String text(String attributes, String key) {
    return scan(attributes, key, ValueKind.TEXT) instanceof String s ? s : null;
  }

  /** The key's value when it is a number, or a string holding a plain decimal number. */
  public static Double number(String attributes, String key) {
    return scan(attributes, key, ValueKind.NUMBER) instanceof Double d ? d : null;
  }

  /** The key's value when it is a boolean. */
  public static Boolean bool(String attributes, String key) {
    return scan(attributes, key, ValueKind.BOOL) instanceof Boolean b ? b : null;
  }

  /** The key's value when it is a string holding a date both databases recognise, in UTC. */
  public static LocalDateTime date(String attributes, String key) {
    if (scan(attributes, key, ValueKind.TEXT) instanceof String s) {
      Instant at = SegmentFilters.storedDateOrNull(s);
      return at == null ? null : LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    }
    return null;
  }

  /** Whether the key is present with a value other than null. */
  public static boolean present(String attributes, String key) {
    return scan(attributes, key, ValueKind.ANY) != null;
  }

  private enum ValueKind {
    TEXT,
    NUMBER,
    BOOL,
    ANY
  }

  /** A number written as text, as a CSV cell holds it: the pattern SegmentSql uses on MySQL. */
  private static final Pattern NUMBER_TEXT = Pattern.compile("-?[0-9]+([.][0-9]+)?");

  /** The number a string holds when it is a plain decimal, or null: imported CSV cells are text. */
  static Double numberInText(String text) {
    return NUMBER_TEXT.matcher(text).matches() ? Double.parseDouble(text) : null;
  }

  private static Object scan(String attributes, String key, ValueKind kind) {
    if (attributes == null || attributes.length() <= 2) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(attributes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = key.equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (!wanted) {
          parser.skipChildren();
          continue;
        }
        return switch (value) {
          case VALUE_STRING ->
              kind == ValueKind.TEXT || kind == ValueKind.ANY
                  ? parser.getText()
                  : kind == ValueKind.NUMBER ? numberInText(parser.getText()) : null;
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
              kind == ValueKind.NUMBER || kind == ValueKind.ANY ? parser.getDoubleValue() : null;
          case VALUE_TRUE, VALUE_FALSE ->
              kind == ValueKind.BOOL || kind == ValueKind.ANY
                  ? value == JsonToken.VALUE_TRUE
                  : null;
          case START_OBJECT, START_ARRAY -> kind == ValueKind.ANY ? Boolean.TRUE : null;
          default -> null;
        };
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
