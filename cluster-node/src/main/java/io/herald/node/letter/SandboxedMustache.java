package io.herald.node.letter;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.FragmentKey;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A mustache.java factory that compiles letter templates and can reach nothing outside them.
 *
 * <p>{@link TemplateTags} already refuses what is not allowed; this factory is the second wall,
 * should a tag ever slip through: its resolver finds no file, its visitor refuses partials,
 * inheritance and pragmas, it never compiles lambda fragments, and its object handler is {@link
 * TemplateData#HANDLER}. One factory serves many campaigns and threads: compiling from a reader
 * caches nothing.
 */
final class SandboxedMustache extends DefaultMustacheFactory {

  /** Escapes values for HTML, as {@code {{name}}} in an HTML part must. */
  static final SandboxedMustache HTML = new SandboxedMustache(true);

  /** Writes values as they are: plain text and headers are not HTML. */
  static final SandboxedMustache PLAIN = new SandboxedMustache(false);

  /**
   * What each character up to {@code `} becomes in HTML, or null to stay as it is: the same set
   * mustache.java's own escaper uses (the markup characters, quotes, backquote, equals and the
   * control characters up to CR), so a value's escaping does not depend on which path wrote it.
   */
  private static final String[] ESCAPES = new String['`' + 1];

  static {
    for (char c = 0; c <= '\r'; c++) {
      ESCAPES[c] = "&#" + (int) c + ";";
    }
    ESCAPES['&'] = "&amp;";
    ESCAPES['<'] = "&lt;";
    ESCAPES['>'] = "&gt;";
    ESCAPES['"'] = "&quot;";
    ESCAPES['\''] = "&#39;";
    ESCAPES['`'] = "&#96;";
    ESCAPES['='] = "&#61;";
  }

  private final boolean escapeHtml;

  private SandboxedMustache(boolean escapeHtml) {
    super(name -> null);
    this.escapeHtml = escapeHtml;
    setObjectHandler(TemplateData.HANDLER);
  }

  /**
   * Compiles a template that {@link TemplateTags} has accepted.
   *
   * @throws ContentException should mustache.java still refuse it
   */
  Mustache compile(String field, String template) {
    try {
      return compile(new StringReader(template), field);
    } catch (MustacheException e) {
      TemplateContext context = e.getContext();
      int line = context == null ? 0 : Math.max(0, context.line());
      throw new ContentException(field, line, line > 0 ? 1 : 0, e.getMessage());
    }
  }

  /**
   * Writes a value, HTML-escaped for an HTML part.
   *
   * <p>mustache.java's escaper hands every value to the writer as a char array, which a Latin-1
   * StringBuilder must then narrow char by char; with a hundred values in a letter, JFR put about a
   * tenth of a send node's CPU samples there. Values are written here as strings, and whole when
   * nothing in them needs escaping, which is nearly always.
   */
  @Override
  public void encode(String value, Writer writer) {
    try {
      if (escapeHtml) {
        escape(value, writer);
      } else {
        writer.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void escape(String value, Writer writer) throws IOException {
    int length = value.length();
    int start = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      String escaped = c < ESCAPES.length ? ESCAPES[c] : null;
      if (escaped != null) {
        if (i > start) {
          writer.write(value, start, i - start);
        }
        writer.write(escaped);
        start = i + 1;
      }
    }
    if (start == 0) {
      writer.write(value);
    } else if (start < length) {
      writer.write(value, start, length - start);
    }
  }

  @Override
  public MustacheVisitor createMustacheVisitor() {
    return new DefaultMustacheVisitor(this) {
      @Override
      public void partial(TemplateContext tc, String variable, String indent) {
        throw new MustacheException("partials are not available", tc);
      }

      @Override
      public void dynamicPartial(TemplateContext tc, String variable, String indent) {
        throw new MustacheException("partials are not available", tc);
      }

      @Override
      public void extend(TemplateContext tc, String variable, Mustache mustache) {
        throw new MustacheException("template inheritance is not available", tc);
      }

      @Override
      public void name(TemplateContext tc, String variable, Mustache mustache) {
        throw new MustacheException("template inheritance is not available", tc);
      }

      @Override
      public void checkName(TemplateContext tc, String variable, Mustache mustache) {
        throw new MustacheException("template inheritance is not available", tc);
      }

      @Override
      public void pragma(TemplateContext tc, String pragma, String args) {
        throw new MustacheException("pragmas are not supported", tc);
      }
    };
  }

  @Override
  public Mustache compilePartial(String name) {
    throw new MustacheException("partials are not available: " + name);
  }

  @Override
  public Mustache getFragment(FragmentKey key) {
    throw new MustacheException("lambdas are not available");
  }
}
