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

  @Override
  public void encode(String value, Writer writer) {
    if (escapeHtml) {
      super.encode(value, writer);
      return;
    }
    try {
      writer.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
