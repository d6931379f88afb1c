package io.herald.node.letter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.Iteration;
import com.github.mustachejava.ObjectHandler;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.util.Wrapper;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template can see, and the only way it can see it.
 *
 * <p>mustache.java's default handler reaches values through reflection: any public method or field
 * of any object in the data. Here the data is only maps, lists, strings and booleans, built from a
 * subscriber's JSON attributes, and the handler reads map keys and list items and nothing else. No
 * method is ever called, so no template can run code, whatever it names; no value is a function, so
 * no lambda can run either.
 *
 * <p>Names with a colon are Herald's own (tracked links, the pixel) and are looked up in the root
 * scope only, so that no attribute inside a section can stand in for them.
 */
final class TemplateData {

  /** Key of the per-letter list of tracked link URLs; a template names item i as LINKS + ".i". */
  static final String LINKS = "herald:links";

  /** Key of the per-letter tracking pixel URL. */
  static final String OPEN = "herald:open";

  /** The most list items all sections of one part may go through, nested loops included. */
  static final int MAX_ITERATIONS = 100_000;

  /** The handler every template of a letter runs with. */
  static final ObjectHandler HANDLER = new PlainDataHandler();

  private TemplateData() {}

  /**
   * A subscriber's attributes as plain maps, lists, strings and booleans. Numbers become their JSON
   * text, so {@code 3} reads 3 and not 3.0; JSON null becomes absent.
   */
  static Map<String, Object> attributes(ObjectNode attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return Collections.emptyMap();
    }
    return object(attributes);
  }

  private static Map<String, Object> object(JsonNode node) {
    Map<String, Object> map = new HashMap<>(Math.max(4, node.size() * 2));
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      Object value = value(field.getValue());
      if (value != null) {
        map.put(field.getKey(), value);
      }
    }
    return map;
  }

  private static Object value(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        return object(node);
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          Object value = value(item);
          list.add(value == null ? "" : value);
        }
        return list;
      case BOOLEAN:
        return node.booleanValue();
      case STRING:
        return node.textValue();
      case NUMBER:
        return node.asText();
      default:
        return null;
    }
  }

  /** A dotted name split once, when a template is compiled, so that lookups make no strings. */
  record Path(String[] parts, boolean herald) {

    /** The path of a name; mustache.java binds plain text to no name, which finds nothing. */
    static Path of(String name) {
      if (name == null) {
        return new Path(new String[] {""}, false);
      }
      String[] parts = name.split("\\.", -1);
      return new Path(parts, parts[0].indexOf(':') >= 0);
    }
  }

  /**
   * Resolves a dotted name the way Mustache does: the first part in the innermost scope that has
   * it, the rest strictly below that.
   */
  static Object lookup(Path path, List<Object> scopes) {
    if (scopes.isEmpty()) {
      return null;
    }
    String[] parts = path.parts();
    Object value = null;
    if (path.herald()) {
      value = child(scopes.get(0), parts[0]);
    } else {
      for (int i = scopes.size() - 1; i >= 0; i--) {
        if (scopes.get(i) instanceof Map<?, ?> map) {
          value = map.get(parts[0]);
          if (value != null || map.containsKey(parts[0])) {
            break;
          }
        }
      }
    }
    for (int i = 1; value != null && i < parts.length; i++) {
      value = child(value, parts[i]);
    }
    return value;
  }

  private static Object child(Object parent, String key) {
    if (parent instanceof Map<?, ?> map) {
      return map.get(key);
    }
    if (parent instanceof List<?> list) {
      int index = index(key);
      return index >= 0 && index < list.size() ? list.get(index) : null;
    }
    return null;
  }

  private static int index(String key) {
    if (key.isEmpty() || key.length() > 9) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      return !s.isEmpty();
    }
    if (value instanceof List<?> list) {
      return !list.isEmpty();
    }
    return true;
  }

  /** Reads maps and lists, stringifies strings and booleans, and calls nothing. */
  private static final class PlainDataHandler implements ObjectHandler {

    @Override
    public Wrapper find(String name, List<Object> scopes) {
      Path path = Path.of(name);
      return s -> lookup(path, s);
    }

    @Override
    public Binding createBinding(String name, TemplateContext tc, Code code) {
      Path path = Path.of(name);
      return scopes -> lookup(path, scopes);
    }

    @Override
    public Object coerce(Object object) {
      return object;
    }

    @Override
    public Writer iterate(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
      if (!truthy(object)) {
        return writer;
      }
      if (object instanceof List<?> list) {
        for (Object item : list) {
          count(writer);
          writer = iteration.next(writer, item, scopes);
        }
        return writer;
      }
      count(writer);
      return iteration.next(writer, object, scopes);
    }

    @Override
    public Writer falsey(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
      return truthy(object) ? writer : iteration.next(writer, object, scopes);
    }

    @Override
    public String stringify(Object object) {
      // A map or list printed whole would show Java's notation; show nothing instead.
      if (object instanceof Map || object instanceof List) {
        return "";
      }
      return object.toString();
    }

    private static void count(Writer writer) {
      if (writer instanceof PartWriter part) {
        part.countIteration();
      }
    }
  }

  /**
   * Collects one rendered part, refusing the letter when it outgrows its limit or its sections loop
   * too often. Not thread-safe: one per part per letter.
   */
  static final class PartWriter extends Writer {

    private final StringBuilder out;
    private final int maxChars;
    private final String part;
    private int iterations;

    PartWriter(String part, int expectedChars, int maxChars) {
      this.part = part;
      this.out = new StringBuilder(Math.min(expectedChars, maxChars));
      this.maxChars = maxChars;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      grow(length);
      out.append(chars, offset, length);
    }

    @Override
    public void write(String text) {
      grow(text.length());
      out.append(text);
    }

    @Override
    public void write(String text, int offset, int length) {
      grow(length);
      out.append(text, offset, offset + length);
    }

    @Override
    public void write(int c) {
      grow(1);
      out.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    void countIteration() {
      if (++iterations > MAX_ITERATIONS) {
        throw new LetterRefusedException(
            "the " + part + " loops over more than " + MAX_ITERATIONS + " items");
      }
    }

    @Override
    public String toString() {
      return out.toString();
    }

    private void grow(int length) {
      if (out.length() + (long) length > maxChars) {
        throw new LetterRefusedException(
            "the " + part + " grows beyond " + maxChars + " characters for this recipient");
      }
    }
  }
}
