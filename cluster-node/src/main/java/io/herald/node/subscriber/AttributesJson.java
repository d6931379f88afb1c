package io.herald.node.subscriber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A subscriber's attributes as the JSON text the read model stores. The gateway has already checked
 * their size and depth, so nothing here limits them.
 */
public final class AttributesJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AttributesJson() {}

  /** The attributes as a JSON object; none is the empty object. */
  public static String write(ObjectNode attributes) {
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
  public static ObjectNode read(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored attributes are not JSON", e);
    }
    throw new IllegalStateException("stored attributes are not a JSON object");
  }
}
