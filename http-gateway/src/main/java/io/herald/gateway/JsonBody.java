package io.herald.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A request's JSON object, read strictly: the bytes must be UTF-8, the document an object, every
 * field one the endpoint knows, and every value of the expected type. Each problem becomes an
 * {@link ApiError} that names the field.
 */
public final class JsonBody {

  /** Deepest nesting accepted anywhere in a request document. */
  public static final int MAX_DOCUMENT_DEPTH = 32;

  private final ObjectMapper mapper;
  private final JsonNode root;

  private JsonBody(ObjectMapper mapper, JsonNode root) {
    this.mapper = mapper;
    this.root = root;
  }

  /** The object mapper every part of the gateway uses: strict on input, ISO dates on output. */
  public static ObjectMapper newMapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DOCUMENT_DEPTH)
                .maxStringLength(5_000_000)
                .build());
    mapper.registerModule(new JavaTimeModule());
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    return mapper;
  }

  /**
   * Parses a request body that must be a JSON object whose fields are among {@code allowed}.
   *
   * @throws ApiError 400 for bytes that are not UTF-8 JSON, for a non-object, for unknown fields
   */
  public static JsonBody parse(ObjectMapper mapper, byte[] bytes, Set<String> allowed) {
    if (bytes.length == 0) {
      throw ApiError.badRequest("empty_body", "the request body is empty; a JSON object is needed");
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("invalid_encoding", "the request body is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw ApiError.badRequest(
          "too_deep", "the JSON document is nested deeper than " + MAX_DOCUMENT_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ApiError.badRequest(
          "malformed_json",
          "the request body is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiError.badRequest("malformed_json", "the request body cannot be read");
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest("not_an_object", "the request body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiError.badRequest(
            "unknown_field",
            "unknown field '" + name + "'; known fields are " + String.join(", ", allowed));
      }
    }
    return new JsonBody(mapper, root);
  }

  /** A string field that must be present and not blank. */
  public String requiredString(String field) {
    return optionalString(field)
        .filter(s -> !s.isBlank())
        .orElseThrow(
            () -> ApiError.unprocessable("missing_field", "field '" + field + "' is required"));
  }

  /** A string field that may be absent or null. */
  public Optional<String> optionalString(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw wrongType(field, "a string", node);
    }
    return Optional.of(node.textValue());
  }

  /** A boolean field that may be absent or null. */
  public Optional<Boolean> optionalBoolean(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw wrongType(field, "true or false", node);
    }
    return Optional.of(node.booleanValue());
  }

  /** An array of strings that may be absent (empty list). */
  public List<String> stringList(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw wrongType(field, "an array of strings", node);
    }
    var out = new ArrayList<String>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        throw wrongType(field + "[" + i + "]", "a string", item);
      }
      out.add(item.textValue());
    }
    return out;
  }

  /** An object field that may be absent or null. */
  public Optional<ObjectNode> optionalObject(String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw wrongType(field, "an object", node);
    }
    return Optional.of((ObjectNode) node);
  }

  /** The raw node of a field, or null. */
  public JsonNode node(String field) {
    return root.get(field);
  }

  private static ApiError wrongType(String field, String expected, JsonNode actual) {
    return ApiError.badRequest(
        "invalid_type",
        "field '"
            + field
            + "' must be "
            + expected
            + ", not "
            + actual.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }
}
