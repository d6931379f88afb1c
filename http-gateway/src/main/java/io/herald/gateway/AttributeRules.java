package io.herald.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.regex.Pattern;

/**
 * What a subscriber's attributes may be: names of 1 to 64 letters, digits, '_' or '-', nesting and
 * JSON size within the configured limits. The API and imports both check through here, so a file
 * can store nothing that the API would refuse.
 */
public final class AttributeRules {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final ObjectMapper mapper;
  private final int maxDepth;
  private final int maxBytes;

  /** Rules with the given limits, measuring size as this mapper writes. */
  public AttributeRules(ObjectMapper mapper, int maxDepth, int maxBytes) {
    this.mapper = mapper;
    this.maxDepth = maxDepth;
    this.maxBytes = maxBytes;
  }

  /** Whether a name may be an attribute's name. */
  public static boolean validKey(String key) {
    return KEY.matcher(key).matches();
  }

  /** The largest size of attributes as JSON. */
  public int maxBytes() {
    return maxBytes;
  }

  /** What is wrong with the attributes, in words for an API error, or null when nothing is. */
  public String problem(JsonNode attributes) {
    for (Iterator<String> keys = attributes.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!validKey(key)) {
        return "attribute name '"
            + abbreviate(key)
            + "' must be 1 to 64 letters, digits, '_' or '-'";
      }
    }
    int depth = depth(attributes);
    if (depth > maxDepth) {
      return "attributes are nested " + depth + " levels deep; at most " + maxDepth;
    }
    int size;
    try {
      size = mapper.writeValueAsBytes(attributes).length;
    } catch (JsonProcessingException e) {
      return "attributes cannot be stored as JSON";
    }
    if (size > maxBytes) {
      return "attributes take " + size + " bytes as JSON; at most " + maxBytes;
    }
    return null;
  }

  private static int depth(JsonNode node) {
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return deepest + 1;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
