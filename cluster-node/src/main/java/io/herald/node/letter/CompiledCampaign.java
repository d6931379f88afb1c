package io.herald.node.letter;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.herald.node.tracking.TrackingToken;
import io.herald.node.tracking.TrackingTokens;
import io.herald.protocol.EmailAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's content checked and compiled, ready to render one letter per recipient.
 *
 * <p>Everything that depends only on the campaign was done by {@link LetterTemplates#compile}:
 * parsing the HTML, checking and numbering links, making the plain text, compiling the templates,
 * building the sender headers. Rendering a letter signs its tokens, runs three compiled templates
 * over the recipient's data and builds the MIME message; it never parses HTML.
 *
 * <p>Immutable and shared: any number of send workers may render from one instance at once.
 */
public final class CompiledCampaign {

  private final Mustache subject;
  private final Mustache html;
  private final Mustache text;
  private final List<String> links;
  private final LetterSettings settings;
  private final TrackingTokens tokens;
  private final LetterMime mime;
  private final int htmlSizeHint;
  private final int textSizeHint;
  private final boolean textIsGenerated;

  CompiledCampaign(
      Mustache subject,
      Mustache html,
      Mustache text,
      List<String> links,
      LetterSettings settings,
      TrackingTokens tokens,
      LetterMime mime,
      int htmlSizeHint,
      int textSizeHint,
      boolean textIsGenerated) {
    this.subject = subject;
    this.html = html;
    this.text = text;
    this.links = List.copyOf(links);
    this.settings = settings;
    this.tokens = tokens;
    this.mime = mime;
    this.htmlSizeHint = htmlSizeHint;
    this.textSizeHint = textSizeHint;
    this.textIsGenerated = textIsGenerated;
  }

  /**
   * The campaign's tracked links: a click token's link index points into this list. Store it with
   * the campaign; the click endpoint must redirect only to these URLs. Empty when clicks are not
   * tracked.
   */
  public List<String> links() {
    return links;
  }

  /**
   * Renders the letter to one recipient.
   *
   * @throws LetterRefusedException when this recipient's letter cannot be made (a line break in
   *     their name or in an attribute the subject uses, an id that cannot go in a URL, an address
   *     the relay cannot take, a letter grown past its limit); other recipients are unaffected
   */
  public Letter render(Recipient recipient) {
    check(recipient);
    String account = recipient.accountId();
    String campaign = recipient.campaignId();
    String subscriber = recipient.subscriberId();
    String base = settings.publicUrl();
    String unsubscribeUrl =
        base + "/u/" + tokens.sign(new TrackingToken.Unsubscribe(account, campaign, subscriber));

    Map<String, Object> data = new HashMap<>(16);
    data.put("name", recipient.name() == null ? "" : recipient.name());
    data.put("email", recipient.email().value());
    data.put("attributes", TemplateData.attributes(recipient.attributes()));
    data.put("unsubscribe_url", unsubscribeUrl);
    if (settings.trackOpens()) {
      String open = tokens.sign(new TrackingToken.Open(account, campaign, subscriber));
      data.put(TemplateData.OPEN, base + "/t/o/" + open);
    }
    if (!links.isEmpty()) {
      List<String> clicks = new ArrayList<>(links.size());
      for (int i = 0; i < links.size(); i++) {
        clicks.add(
            base
                + "/t/c/"
                + tokens.sign(new TrackingToken.Click(account, campaign, subscriber, i)));
      }
      data.put(TemplateData.LINKS, clicks);
    }

    String renderedSubject =
        run(subject, "subject", data, 128, LetterMime.MAX_SUBJECT_CHARS).strip();
    String problem = HeaderText.problem(renderedSubject, LetterMime.MAX_SUBJECT_CHARS);
    if (problem != null) {
      throw new LetterRefusedException("the subject for this recipient " + problem);
    }
    String renderedHtml = run(html, "HTML part", data, htmlSizeHint, settings.maxRenderedChars());
    String renderedText = run(text, "text part", data, textSizeHint, settings.maxRenderedChars());
    if (textIsGenerated) {
      renderedText = tidy(renderedText);
    }

    String messageId = mime.messageId(campaign, subscriber);
    String listId =
        mime.listId(account, recipient.listId() == null ? campaign : recipient.listId());
    MimeMessage message =
        mime.build(
            messageId,
            recipient.email(),
            recipient.name(),
            renderedSubject,
            renderedHtml,
            renderedText,
            listId,
            unsubscribeUrl);
    return new Letter(message, recipient.email(), messageId);
  }

  private static void check(Recipient recipient) {
    try {
      TrackingToken.requireId("the account id", recipient.accountId());
      TrackingToken.requireId("the campaign id", recipient.campaignId());
      TrackingToken.requireId("the subscriber id", recipient.subscriberId());
      if (recipient.listId() != null) {
        TrackingToken.requireId("the list id", recipient.listId());
      }
    } catch (IllegalArgumentException e) {
      throw new LetterRefusedException(e.getMessage());
    }
    EmailAddress email = recipient.email();
    if (email == null) {
      throw new LetterRefusedException("the recipient has no address");
    }
    // The record can be built around any strings; only a parsed address is safe in a header.
    String addressProblem = EmailAddress.problem(email.value());
    if (addressProblem != null) {
      throw new LetterRefusedException("the recipient's address is unusable: " + addressProblem);
    }
    if (recipient.name() != null) {
      String nameProblem = HeaderText.problem(recipient.name(), LetterMime.MAX_NAME_CHARS);
      if (nameProblem != null) {
        throw new LetterRefusedException("the recipient's name " + nameProblem);
      }
    }
  }

  private static String run(
      Mustache template, String part, Map<String, Object> data, int sizeHint, int maxChars) {
    TemplateData.PartWriter writer = new TemplateData.PartWriter(part, sizeHint, maxChars);
    try {
      template.execute(writer, data);
    } catch (MustacheException e) {
      // mustache.java wraps what our writer throws; the refusal is what the caller must see.
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof LetterRefusedException refused) {
          throw refused;
        }
      }
      throw new IllegalStateException("the " + part + " failed to render", e);
    }
    return writer.toString();
  }

  /**
   * The generated text part without the blank lines that empty sections leave behind: at most one
   * blank line in a row, none at the start, one line break at the end.
   */
  static String tidy(String text) {
    StringBuilder out = new StringBuilder(text.length() + 1);
    int at = 0;
    int length = text.length();
    while (at < length && text.charAt(at) == '\n') {
      at++;
    }
    while (at < length) {
      int newline = text.indexOf('\n', at);
      if (newline < 0) {
        out.append(text, at, length);
        break;
      }
      out.append(text, at, newline);
      int next = newline;
      while (next < length && text.charAt(next) == '\n') {
        next++;
      }
      if (next < length) {
        out.append(next - newline >= 2 ? "\n\n" : "\n");
      }
      at = next;
    }
    return out.append('\n').toString();
  }
}
