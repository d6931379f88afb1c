package io.herald.node.letter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Range;
import org.jsoup.parser.Parser;

/**
 * The HTML template with its links checked and, when tracking, its http(s) links and pixel turned
 * into per-letter placeholders.
 *
 * <p>The HTML is parsed once, only to find where each link's value sits in the source; the source
 * is then edited at those offsets and never re-serialised. Re-serialising through an HTML5 parser
 * would move Mustache text such as {@code {{#items}}} out of the tables it loops over.
 *
 * <p>A tracked link becomes {@code {{{herald:links.N}}}}, where N is the link's index in {@link
 * #links()}; the same URL written twice shares one index. The pixel becomes an image whose source
 * is {@code {{{herald:open}}}}, placed before {@code </body>} or at the end.
 *
 * @param template the HTML Mustache template to compile
 * @param links the campaign's tracked links by index
 */
record TrackedHtml(String template, List<String> links) {

  // Attributes other than a link's target that a client may load or follow.
  private static final Set<String> URL_ATTRIBUTES =
      Set.of(
          "src",
          "href",
          "action",
          "formaction",
          "background",
          "poster",
          "cite",
          "longdesc",
          "data",
          "codebase",
          "xlink:href");

  /** Placeholder of tracked link {@code index}. */
  static String linkPlaceholder(int index) {
    return "{{{" + TemplateData.LINKS + "." + index + "}}}";
  }

  /** The image that reports an open. */
  static final String PIXEL =
      "<img src=\"{{{" + TemplateData.OPEN + "}}}\" width=\"1\" height=\"1\" alt=\"\">";

  /**
   * Checks every link of the HTML and prepares tracking.
   *
   * @throws ContentException at the first link that is not allowed
   */
  static TrackedHtml prepare(String html, boolean trackClicks, boolean trackOpens) {
    Document document = Jsoup.parse(html, "", Parser.htmlParser().setTrackPosition(true));
    Map<String, Integer> indexes = new LinkedHashMap<>();
    List<int[]> edits = new ArrayList<>();
    for (Element element : document.getAllElements()) {
      boolean isLink = element.nameIs("a") || element.nameIs("area");
      for (Attribute attribute : element.attributes()) {
        String key = attribute.getKey().toLowerCase(Locale.ROOT);
        if (isLink && key.equals("href")) {
          LinkRules.Verdict verdict = LinkRules.link(attribute.getValue());
          Range value = valueRange(element, attribute, html);
          if (!verdict.allowed()) {
            throw TemplateTags.error("html", html, errorOffset(element, value), verdict.problem());
          }
          if (trackClicks && verdict.treatment() == LinkRules.Treatment.TRACKABLE) {
            int index = indexes.computeIfAbsent(verdict.url(), url -> indexes.size());
            edits.add(new int[] {value.startPos(), value.endPos(), index});
          }
        } else if (URL_ATTRIBUTES.contains(key)) {
          String problem = LinkRules.otherUrlProblem(attribute.getValue());
          if (problem != null) {
            Range value = valueRange(element, attribute, html);
            throw TemplateTags.error("html", html, errorOffset(element, value), problem);
          }
        }
      }
    }
    String template = edit(html, edits, trackOpens);
    return new TrackedHtml(
        template, Collections.unmodifiableList(new ArrayList<>(indexes.keySet())));
  }

  private static Range valueRange(Element element, Attribute attribute, String html) {
    Range range = element.attributes().sourceRange(attribute.getKey()).valueRange();
    if (!range.isTracked() || range.endPos() > html.length()) {
      // Position tracking covers every attribute the parser read from the source; this would be
      // a parser change, and guessing an offset could corrupt the letter.
      throw new ContentException(
          "html",
          "cannot locate the " + attribute.getKey() + " of a <" + element.tagName() + "> element");
    }
    return range;
  }

  /** Where to point at a bad value: its start, or its attribute's name when it is empty. */
  private static int errorOffset(Element element, Range value) {
    if (value.endPos() > value.startPos()) {
      return value.startPos();
    }
    for (Attribute attribute : element.attributes()) {
      Range.AttributeRange range = element.attributes().sourceRange(attribute.getKey());
      if (range.valueRange().equals(value) && range.nameRange().isTracked()) {
        return range.nameRange().startPos();
      }
    }
    return value.startPos();
  }

  private static String edit(String html, List<int[]> edits, boolean trackOpens) {
    edits.sort((a, b) -> Integer.compare(a[0], b[0]));
    StringBuilder out = new StringBuilder(html.length() + edits.size() * 24 + PIXEL.length());
    int copied = 0;
    for (int[] edit : edits) {
      out.append(html, copied, edit[0]).append(linkPlaceholder(edit[2]));
      copied = edit[1];
    }
    out.append(html, copied, html.length());
    if (trackOpens) {
      int body = lastIndexOfIgnoreCase(out, "</body");
      if (body < 0) {
        out.append(PIXEL);
      } else {
        out.insert(body, PIXEL);
      }
    }
    return out.toString();
  }

  private static int lastIndexOfIgnoreCase(CharSequence text, String needle) {
    for (int i = text.length() - needle.length(); i >= 0; i--) {
      boolean match = true;
      for (int j = 0; j < needle.length() && match; j++) {
        match = Character.toLowerCase(text.charAt(i + j)) == needle.charAt(j);
      }
      if (match) {
        return i;
      }
    }
    return -1;
  }
}
