package io.herald.node.subscriber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * A subscriber's attributes as the JSON text the read model stores. The entity has already checked
 * their size and depth, so nothing here limits them.
 */
final class AttributesJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private AttributesJson() {}

  /** The attributes as a JSON object; none is the empty object. */
  static String write(Map<String, Object> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return "{}";
    }
    try {
      return MAPPER.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("attributes cannot be written as JSON", e);
    }
  }

  /** The attributes in stored JSON text, in their stored order. */
  static Map<String, Object> read(String json) {
    try {
      return MAPPER.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored attributes are not a JSON object", e);
    }
  }
}
