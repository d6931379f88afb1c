package io.herald.node.letter;

import com.github.mustachejava.Mustache;
import io.herald.node.tracking.TrackingTokens;
import io.herald.protocol.EmailAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks a campaign's content and compiles it, once per campaign, into a {@link CompiledCampaign}
 * that renders letters cheaply.
 *
 * <p>The templates are Mustache with a deliberately small vocabulary: {@code {{name}}}, {@code
 * {{email}}}, {@code {{attributes.KEY}}} (nested keys with dots, lists as sections), {@code
 * {{unsubscribe_url}}}, sections {@code {{#x}}}/{@code {{^x}}} and comments. Values are
 * HTML-escaped in the HTML part unless written with triple braces; the subject and the plain-text
 * part are never escaped. Partials, inheritance, pragmas and delimiter changes are refused, and
 * templates see only plain data (see {@link TemplateData}), so no template can run code or reach a
 * file, the environment or the network.
 *
 * <p>Refused content raises a {@link ContentException} naming the field, line and column.
 */
public final class LetterTemplates {

  private final TrackingTokens tokens;
  private final Clock clock;

  /**
   * Templates whose letters sign their links with these tokens and are dated by this clock.
   *
   * @param tokens the node's token signer
   * @param clock the clock that dates letters
   */
  public LetterTemplates(TrackingTokens tokens, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Checks and compiles a campaign's content.
   *
   * @throws ContentException at the first problem found: a sender field with a line break or a bad
   *     address, a template over its size limit or that does not compile, or a link that is not
   *     allowed
   */
  public CompiledCampaign compile(CampaignContent content, LetterSettings settings) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(settings, "settings");
    checkSender(content);
    String subject = required("subject", content.subject());
    checkHeader("subject", subject, LetterMime.MAX_SUBJECT_CHARS);
    String html = required("html", content.html());
    checkSize("html", html, settings.maxHtmlBytes());
    String text = content.text();
    if (text != null && text.isBlank()) {
      text = null;
    }
    if (text != null) {
      checkSize("text", text, settings.maxTextBytes());
    }

    TemplateTags.scan("subject", subject);
    List<TemplateTags.Tag> htmlTags = TemplateTags.scan("html", html);
    if (text != null) {
      TemplateTags.scan("text", text);
    }

    TrackedHtml tracked = TrackedHtml.prepare(html, settings.trackClicks(), settings.trackOpens());
    Mustache htmlTemplate = SandboxedMustache.HTML.compile("html", tracked.template());
    boolean generated = text == null;
    String textSource = generated ? PlainText.fromHtml(html, htmlTags, tracked.links()) : text;
    if (generated) {
      try {
        TemplateTags.scanGenerated("text", textSource);
      } catch (ContentException e) {
        throw new ContentException(
            "html",
            "the plain-text part cannot be made from this HTML ("
                + e.problem()
                + "); give a text part");
      }
    }
    Mustache textTemplate = SandboxedMustache.PLAIN.compile("text", textSource);
    Mustache subjectTemplate = SandboxedMustache.PLAIN.compile("subject", subject);

    return new CompiledCampaign(
        subjectTemplate,
        htmlTemplate,
        textTemplate,
        tracked.links(),
        settings,
        tokens,
        new LetterMime(content, settings, clock),
        sizeHint(html.length(), tracked.links().size()),
        sizeHint(textSource.length(), tracked.links().size()),
        generated);
  }

  private static void checkSender(CampaignContent content) {
    String fromName = content.fromName() == null ? "" : content.fromName();
    checkHeader("fromName", fromName, LetterMime.MAX_NAME_CHARS);
    checkAddress("fromEmail", content.fromEmail());
    if (content.replyTo() != null && !content.replyTo().isBlank()) {
      checkAddress("replyTo", content.replyTo());
    }
  }

  private static void checkAddress(String field, String value) {
    if (value != null) {
      checkHeader(field, value, EmailAddress.MAX_ADDRESS_OCTETS);
    }
    String problem = EmailAddress.problem(value);
    if (problem != null) {
      throw new ContentException(field, problem);
    }
  }

  private static void checkHeader(String field, String value, int maxChars) {
    String problem = HeaderText.problem(value, maxChars);
    if (problem != null) {
      throw new ContentException(field, "the value " + problem);
    }
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new ContentException(field, "must not be empty");
    }
    return value;
  }

  /** Refuses a template over its limit before anything parses it. */
  private static void checkSize(String field, String template, int maxBytes) {
    // A char is at least one UTF-8 byte, so a long string is over the limit without counting.
    long bytes = template.length() > maxBytes ? template.length() : utf8Length(template);
    if (bytes > maxBytes) {
      throw new ContentException(
          field,
          "is "
              + size(bytes)
              + (template.length() > maxBytes ? " or more" : "")
              + ", over the limit of "
              + size(maxBytes)
              + " (herald.letters.max-"
              + field
              + "-size)");
    }
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String size(long bytes) {
    if (bytes >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }
    if (bytes >= 1024) {
      return String.format(Locale.ROOT, "%.1f KiB (%d bytes)", bytes / 1024.0, bytes);
    }
    return bytes + " bytes";
  }

  /** Room for the rendered part: the template plus per-letter URLs and typical values. */
  private static int sizeHint(int templateChars, int links) {
    return templateChars + links * 120 + 1024;
  }
}
