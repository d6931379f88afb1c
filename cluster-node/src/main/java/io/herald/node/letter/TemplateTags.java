package io.herald.node.letter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Finds the Mustache tags of a template and admits only the small language letters need.
 *
 * <p>This runs before mustache.java sees a template, for two reasons. It is an allowlist: partials,
 * template inheritance, pragmas and changed delimiters are refused here, by position, whatever
 * mustache.java would do with them. And it knows columns: mustache.java reports at best a line.
 *
 * <p>Outside any section a tag may only name {@code name}, {@code email}, {@code unsubscribe_url}
 * or a path below {@code attributes}; inside a section names may also be keys of the current item.
 * Names are letters, digits, {@code _} and {@code -}, joined by dots, so the internal names that
 * {@link LetterTemplates} adds (they contain a colon) can never be written by an author.
 */
final class TemplateTags {

  /** What a tag does. */
  enum Kind {
    /** {@code {{name}}}: a value, escaped where the template escapes. */
    VALUE,
    /** {@code {{{name}}}} or {@code {{&name}}}: a value, never escaped. */
    RAW_VALUE,
    /** {@code {{#name}}}: a section shown for a true or non-empty value, once per list item. */
    SECTION,
    /** {@code {{^name}}}: a section shown for a false, missing or empty value. */
    INVERTED,
    /** {@code {{/name}}}: the end of a section. */
    CLOSE,
    /** {@code {{! text}}}: a comment, left out of every letter. */
    COMMENT;

    /** Whether the tag opens or closes a section, and so must stay balanced in any copy. */
    boolean structural() {
      return this == SECTION || this == INVERTED || this == CLOSE;
    }
  }

  /**
   * One tag.
   *
   * @param start the offset of its opening braces
   * @param end the offset just after its closing braces
   */
  record Tag(Kind kind, String name, int start, int end) {}

  /** Names a template may use outside any section. */
  static final Set<String> ROOT_NAMES = Set.of("name", "email", "attributes", "unsubscribe_url");

  private static final String KNOWN =
      "use name, email, attributes.KEY or unsubscribe_url (inside a section, also the item's keys)";

  private TemplateTags() {}

  /**
   * The tags of a template, in order.
   *
   * @param field the field the template came from, for errors
   * @throws ContentException at the first tag that is malformed, unknown or not allowed
   */
  static List<Tag> scan(String field, String template) {
    return scan(field, template, true);
  }

  /**
   * The tags of a template Herald made itself (which may use its internal names), checked only for
   * form and balanced sections.
   */
  static List<Tag> scanGenerated(String field, String template) {
    return scan(field, template, false);
  }

  private static List<Tag> scan(String field, String template, boolean authored) {
    List<Tag> tags = new ArrayList<>();
    Deque<Tag> open = new ArrayDeque<>();
    int from = 0;
    int start;
    while ((start = template.indexOf("{{", from)) >= 0) {
      int close = template.indexOf("}}", start + 2);
      if (close < 0) {
        throw error(field, template, start, "this tag is never closed with }}");
      }
      String inner = template.substring(start + 2, close);
      int end = close + 2;
      if (inner.indexOf('\n') >= 0 || inner.indexOf('\r') >= 0) {
        throw error(field, template, start, "this tag must close with }} on the same line");
      }
      if (inner.indexOf("{{") >= 0) {
        throw error(field, template, start, "this tag is not closed before the next {{");
      }
      if (inner.isBlank()) {
        throw error(field, template, start, "the tag is empty");
      }
      Kind kind;
      String name;
      char first = inner.charAt(0);
      switch (first) {
        case '{':
          if (end >= template.length() || template.charAt(end) != '}') {
            throw error(field, template, start, "a tag opened with {{{ must close with }}}");
          }
          end++;
          kind = Kind.RAW_VALUE;
          name = inner.substring(1).strip();
          break;
        case '&':
          kind = Kind.RAW_VALUE;
          name = inner.substring(1).strip();
          break;
        case '#':
          kind = Kind.SECTION;
          name = inner.substring(1).strip();
          break;
        case '^':
          kind = Kind.INVERTED;
          name = inner.substring(1).strip();
          break;
        case '/':
          kind = Kind.CLOSE;
          name = inner.substring(1).strip();
          break;
        case '!':
          tags.add(new Tag(Kind.COMMENT, "", start, end));
          from = end;
          continue;
        case '>':
          throw error(
              field,
              template,
              start,
              "partials ({{> name}}) are not available: a letter cannot include other templates");
        case '<':
        case '$':
          throw error(
              field, template, start, "template inheritance ({{< }}, {{$ }}) is not available");
        case '=':
          throw error(field, template, start, "changing the delimiters ({{= =}}) is not supported");
        case '%':
          throw error(field, template, start, "pragmas ({{% }}) are not supported");
        default:
          kind = Kind.VALUE;
          name = inner.strip();
      }
      Tag tag = new Tag(kind, name, start, end);
      if (authored) {
        checkName(field, template, tag, !open.isEmpty());
      }
      if (kind == Kind.SECTION || kind == Kind.INVERTED) {
        open.push(tag);
      } else if (kind == Kind.CLOSE) {
        if (open.isEmpty()) {
          throw error(field, template, start, "{{/" + name + "}} closes no open section");
        }
        Tag opened = open.pop();
        if (!opened.name().equals(name)) {
          int[] at = position(template, opened.start());
          throw error(
              field,
              template,
              start,
              "{{/"
                  + name
                  + "}} does not match the section {{"
                  + (opened.kind() == Kind.SECTION ? "#" : "^")
                  + opened.name()
                  + "}} opened at line "
                  + at[0]
                  + ", column "
                  + at[1]);
        }
      }
      tags.add(tag);
      from = end;
    }
    if (!open.isEmpty()) {
      Tag unclosed = open.pop();
      throw error(
          field, template, unclosed.start(), "the section " + unclosed.name() + " is never closed");
    }
    return tags;
  }

  /** Line and column, both from 1, of an offset in a text. */
  static int[] position(String text, int offset) {
    int line = 1;
    int lineStart = 0;
    int limit = Math.min(offset, text.length());
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        line++;
        lineStart = i + 1;
      }
    }
    return new int[] {line, limit - lineStart + 1};
  }

  /** A problem at an offset of a field. */
  static ContentException error(String field, String text, int offset, String problem) {
    int[] at = position(text, offset);
    return new ContentException(field, at[0], at[1], problem);
  }

  private static void checkName(String field, String template, Tag tag, boolean inSection) {
    String name = tag.name();
    if (name.equals(".")) {
      if (!inSection || tag.kind() == Kind.CLOSE) {
        throw error(field, template, tag.start(), "{{.}} means the current item of a section");
      }
      return;
    }
    if (!isPath(name)) {
      throw error(
          field,
          template,
          tag.start(),
          "'" + abbreviate(name) + "' is not a variable name; " + KNOWN);
    }
    if (inSection || tag.kind() == Kind.CLOSE) {
      return;
    }
    int dot = name.indexOf('.');
    String root = dot < 0 ? name : name.substring(0, dot);
    if (!ROOT_NAMES.contains(root)) {
      throw error(field, template, tag.start(), "unknown variable '" + name + "'; " + KNOWN);
    }
    if (root.equals("attributes")) {
      if (dot < 0 && (tag.kind() == Kind.VALUE || tag.kind() == Kind.RAW_VALUE)) {
        throw error(
            field,
            template,
            tag.start(),
            "attributes holds all attributes; name one, as in {{attributes.city}}");
      }
    } else if (dot >= 0) {
      throw error(field, template, tag.start(), root + " has no parts; write {{" + root + "}}");
    }
  }

  private static boolean isPath(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
