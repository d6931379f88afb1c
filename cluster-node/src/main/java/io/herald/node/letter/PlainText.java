package io.herald.node.letter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Makes the plain-text template of a campaign from its HTML template, once, at compile time.
 *
 * <p>The result is itself a Mustache template, rendered per letter without HTML escaping: every tag
 * of the HTML is carried over as written. So that the HTML parser leaves the tags where the author
 * put them, each tag is first swapped for a marker the parser keeps in place (an HTML comment in
 * text, a private-use character pair inside a start tag), and swapped back in the output.
 *
 * <p>Layout: paragraphs, headings ({@code # Title}), lists, tables and block quotes are separated
 * by blank lines; rows, cells and divs start a new line, and so does {@code <br>}; list items start
 * with {@code - } or {@code 1. }, nested ones indented by two spaces. The head, scripts, styles and
 * elements hidden with {@code display:none} are left out. A link is written as its text followed by
 * a reference, {@code Shop now [1]}, and the references are listed at the end, {@code [1]
 * https://...}. A tracked link's reference is its per-letter click URL, so clicks from the text
 * part are counted too.
 */
final class PlainText {

  private static final String COMMENT_MARKER = "herald:tag:";
  private static final char ATTRIBUTE_OPEN = '\uE000';
  private static final char ATTRIBUTE_CLOSE = '\uE001';
  private static final Pattern MARKERS =
      Pattern.compile("<!--" + COMMENT_MARKER + "(\\d+)-->|\uE000(\\d+)\uE001");
  private static final Pattern RAW_STRUCTURAL_TAGS = Pattern.compile("\\{\\{[#^/][^}]*\\}\\}");

  private static final Set<String> SKIPPED =
      Set.of(
          "head",
          "title",
          "style",
          "script",
          "template",
          "noscript",
          "meta",
          "link",
          "object",
          "iframe",
          "svg",
          "map");
  private static final Set<String> PARAGRAPHS =
      Set.of(
          "p",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "blockquote",
          "pre",
          "table",
          "hr",
          "dl",
          "address",
          "figure");
  private static final Set<String> LINES =
      Set.of(
          "div",
          "tr",
          "li",
          "dt",
          "dd",
          "td",
          "th",
          "section",
          "article",
          "header",
          "footer",
          "main",
          "nav",
          "aside",
          "center",
          "form",
          "fieldset",
          "caption",
          "figcaption",
          "ul",
          "ol");

  private PlainText() {}

  /**
   * The text template for an HTML template.
   *
   * @param html the HTML as the author wrote it
   * @param tags its Mustache tags, as {@link TemplateTags#scan} found them
   * @param trackedLinks the campaign's tracked links by index (empty when clicks are not tracked)
   */
  static String fromHtml(String html, List<TemplateTags.Tag> tags, List<String> trackedLinks) {
    Map<String, Integer> tracked = new HashMap<>();
    for (int i = 0; i < trackedLinks.size(); i++) {
      tracked.put(trackedLinks.get(i), i);
    }
    Document document = Jsoup.parse(mark(html, tags));
    Layout layout = new Layout(html, tags, tracked);
    // The whole document, not just the body: a section opened in the head must still close.
    NodeTraversor.traverse(layout, document);
    return layout.finish();
  }

  /** The HTML with every tag swapped for a marker the parser keeps in place. */
  private static String mark(String html, List<TemplateTags.Tag> tags) {
    StringBuilder out = new StringBuilder(html.length() + tags.size() * 16);
    Context context = new Context(html);
    int copied = 0;
    for (int i = 0; i < tags.size(); i++) {
      TemplateTags.Tag tag = tags.get(i);
      Context.State state = context.advanceTo(tag.start());
      if (state == Context.State.COMMENT) {
        // Left as written: it vanishes with the comment, and a marker would end the comment.
        continue;
      }
      out.append(html, copied, tag.start());
      if (state == Context.State.MARKUP) {
        out.append(ATTRIBUTE_OPEN).append(i).append(ATTRIBUTE_CLOSE);
      } else {
        out.append("<!--").append(COMMENT_MARKER).append(i).append("-->");
      }
      copied = tag.end();
      context.skip(tag.end());
    }
    out.append(html, copied, html.length());
    return out.toString();
  }

  /**
   * Just enough of the HTML tokenizer to tell whether an offset is in text, inside a start or end
   * tag, or inside a comment.
   */
  private static final class Context {
    enum State {
      TEXT,
      MARKUP,
      COMMENT
    }

    private final String html;
    private int at;
    private State state = State.TEXT;
    private char quote;

    Context(String html) {
      this.html = html;
    }

    void skip(int to) {
      at = to;
    }

    State advanceTo(int target) {
      while (at < target) {
        char c = html.charAt(at);
        switch (state) {
          case TEXT:
            if (html.startsWith("<!--", at)) {
              state = State.COMMENT;
              at += 4;
              continue;
            }
            if (c == '<' && at + 1 < html.length() && isTagStart(html.charAt(at + 1))) {
              state = State.MARKUP;
              quote = 0;
            }
            break;
          case MARKUP:
            if (quote != 0) {
              if (c == quote) {
                quote = 0;
              }
            } else if (c == '"' || c == '\'') {
              quote = c;
            } else if (c == '>') {
              state = State.TEXT;
            }
            break;
          case COMMENT:
            if (html.startsWith("-->", at)) {
              state = State.TEXT;
              at += 3;
              continue;
            }
            break;
          default:
            break;
        }
        at++;
      }
      return state;
    }

    private static boolean isTagStart(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?';
    }
  }

  /** Walks the parsed HTML and lays the text out. */
  private static final class Layout implements NodeVisitor {

    private final String html;
    private final List<TemplateTags.Tag> tags;
    private final Map<String, Integer> tracked;
    private final StringBuilder out = new StringBuilder();
    private final Map<String, Integer> references = new LinkedHashMap<>();
    private final Deque<int[]> lists = new ArrayDeque<>();
    private final Deque<Anchor> anchors = new ArrayDeque<>();

    private int pendingBreaks;
    private boolean pendingSpace;
    private String pendingPrefix = "";
    private int skipDepth = -1;
    private int preDepth;

    Layout(String html, List<TemplateTags.Tag> tags, Map<String, Integer> tracked) {
      this.html = html;
      this.tags = tags;
      this.tracked = tracked;
    }

    /** Where a link started in the output, and its target's reference, if it has one. */
    private record Anchor(int start, String target) {}

    @Override
    public void head(Node node, int depth) {
      if (skipDepth >= 0) {
        keepStructure(node);
        return;
      }
      if (node instanceof TextNode text) {
        if (preDepth > 0) {
          preformatted(text.getWholeText());
        } else {
          text(restore(literal(text.getWholeText())));
        }
      } else if (node instanceof Comment comment) {
        String data = comment.getData();
        if (data.startsWith(COMMENT_MARKER)) {
          tag(Integer.parseInt(data.substring(COMMENT_MARKER.length())));
        } else {
          rawStructuralTags(data);
        }
      } else if (node instanceof DataNode data) {
        keepStructure(data);
      } else if (node instanceof Element element) {
        open(element, depth);
      }
    }

    @Override
    public void tail(Node node, int depth) {
      if (skipDepth >= 0) {
        if (depth == skipDepth) {
          skipDepth = -1;
        }
        return;
      }
      if (!(node instanceof Element element)) {
        return;
      }
      String name = element.normalName();
      switch (name) {
        case "a":
          closeAnchor();
          break;
        case "pre":
          preDepth--;
          break;
        case "ul":
        case "ol":
          lists.pop();
          break;
        default:
          break;
      }
      if (PARAGRAPHS.contains(name) || (isList(name) && lists.isEmpty())) {
        breaks(2);
      } else if (LINES.contains(name)) {
        breaks(1);
      }
    }

    private void open(Element element, int depth) {
      String name = element.normalName();
      if (SKIPPED.contains(name) || hidden(element)) {
        skipDepth = depth;
        return;
      }
      if (PARAGRAPHS.contains(name) || (isList(name) && lists.isEmpty())) {
        breaks(2);
      } else if (LINES.contains(name)) {
        breaks(1);
      }
      switch (name) {
        case "br":
          lineBreak();
          break;
        case "h1":
        case "h2":
        case "h3":
        case "h4":
        case "h5":
        case "h6":
          pendingPrefix = "#".repeat(name.charAt(1) - '0') + " ";
          break;
        case "pre":
          preDepth++;
          break;
        case "ul":
          lists.push(new int[] {0, -1});
          break;
        case "ol":
          lists.push(new int[] {1, start(element)});
          break;
        case "li":
          listItem();
          break;
        case "a":
          // Pending breaks and spaces belong before the link, not inside its text.
          flush();
          anchors.push(new Anchor(out.length(), reference(element.attr("href"))));
          break;
        case "img":
          if (!anchors.isEmpty() && !element.attr("alt").isBlank()) {
            text(restore(literal(element.attr("alt"))));
          }
          break;
        default:
          break;
      }
    }

    private void listItem() {
      if (lists.isEmpty()) {
        pendingPrefix = "- ";
        return;
      }
      int[] list = lists.peek();
      String indent = "  ".repeat(lists.size() - 1);
      if (list[0] == 1) {
        pendingPrefix = indent + list[1] + ". ";
        list[1]++;
      } else {
        pendingPrefix = indent + "- ";
      }
    }

    private void closeAnchor() {
      Anchor anchor = anchors.pop();
      if (anchor.target() == null) {
        return;
      }
      String shown = out.substring(Math.min(anchor.start(), out.length())).strip();
      String target = anchor.target();
      boolean trackedTarget = target.startsWith("{{{" + TemplateData.LINKS);
      if (!trackedTarget
          && (shown.equals(target) || ("mailto:" + shown).equalsIgnoreCase(target))) {
        return; // the text already says where the link goes
      }
      int number = references.computeIfAbsent(anchor.target(), t -> references.size() + 1);
      inline((shown.isEmpty() ? "" : " ") + "[" + number + "]");
    }

    /** What a link's reference should print, or null for links that need none. */
    private String reference(String href) {
      String target = restore(href).strip();
      if (target.isEmpty() || target.startsWith("#")) {
        return null;
      }
      String url = LinkRules.link(target).url();
      Integer index = url == null ? null : tracked.get(url);
      return index == null ? target : TrackedHtml.linkPlaceholder(index);
    }

    private void text(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00a0') {
          // A non-breaking space is a space in a plain-text reader, and collapses like one.
          if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            pendingSpace = true;
          }
          continue;
        }
        flush();
        out.append(c);
      }
    }

    private void inline(String text) {
      flush();
      out.append(text);
    }

    private void preformatted(String text) {
      flush();
      String restored = restore(literal(text));
      out.append(restored.replace("\r\n", "\n"));
    }

    private void tag(int index) {
      TemplateTags.Tag tag = tags.get(index);
      flush();
      if (out.length() > 0 && out.charAt(out.length() - 1) == '{') {
        out.append(' '); // so that a literal { cannot turn the tag into a triple-brace one
      }
      out.append(html, tag.start(), tag.end());
    }

    /** Inside a skipped element only sections matter: they must stay balanced. */
    private void keepStructure(Node node) {
      String content;
      if (node instanceof Comment comment) {
        String data = comment.getData();
        if (data.startsWith(COMMENT_MARKER)) {
          int index = Integer.parseInt(data.substring(COMMENT_MARKER.length()));
          if (tags.get(index).kind().structural()) {
            tag(index);
          }
          return;
        }
        rawStructuralTags(data);
        return;
      } else if (node instanceof DataNode data) {
        content = data.getWholeData();
      } else if (node instanceof TextNode text) {
        content = text.getWholeText();
      } else if (node instanceof Element element) {
        content = element.attributes().html();
      } else {
        return;
      }
      Matcher markers = MARKERS.matcher(content);
      while (markers.find()) {
        int index =
            Integer.parseInt(markers.group(1) != null ? markers.group(1) : markers.group(2));
        if (tags.get(index).kind().structural()) {
          tag(index);
        }
      }
    }

    /** Section tags written inside an HTML comment still open and close sections. */
    private void rawStructuralTags(String commentText) {
      Matcher matcher = RAW_STRUCTURAL_TAGS.matcher(commentText);
      while (matcher.find()) {
        inline(matcher.group());
      }
    }

    private void breaks(int count) {
      pendingBreaks = Math.max(pendingBreaks, count);
      pendingSpace = false;
    }

    private void lineBreak() {
      // A <br> always breaks, even right after a block; more than one blank line never helps.
      if (out.length() > 0) {
        int trailing = trailingNewlines();
        for (; trailing < pendingBreaks; trailing++) {
          out.append('\n');
        }
        if (trailing < 2) {
          out.append('\n');
        }
      }
      pendingBreaks = 0;
      pendingSpace = false;
    }

    private void flush() {
      if (out.length() > 0 && pendingBreaks > 0) {
        int trailing = trailingNewlines();
        for (int i = trailing; i < pendingBreaks; i++) {
          out.append('\n');
        }
        pendingSpace = false;
      }
      pendingBreaks = 0;
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      if (!pendingPrefix.isEmpty()) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
          out.append('\n');
        }
        out.append(pendingPrefix);
        pendingPrefix = "";
      }
    }

    private int trailingNewlines() {
      int count = 0;
      for (int i = out.length() - 1; i >= 0 && out.charAt(i) == '\n'; i--) {
        count++;
      }
      return count;
    }

    String finish() {
      StringBuilder text = new StringBuilder(out.length() + references.size() * 40);
      // Trailing spaces on a line carry nothing and some clients show them as junk.
      for (String line : out.toString().split("\n", -1)) {
        text.append(line.stripTrailing()).append('\n');
      }
      while (text.length() > 0 && text.charAt(text.length() - 1) == '\n') {
        text.setLength(text.length() - 1);
      }
      if (!references.isEmpty()) {
        text.append("\n\n");
        for (Map.Entry<String, Integer> reference : references.entrySet()) {
          text.append('[').append(reference.getValue()).append("] ");
          text.append(reference.getKey()).append('\n');
        }
      } else {
        text.append('\n');
      }
      return text.toString();
    }

    /** Literal braces in the text must not read as tags in the text template. */
    private static String literal(String text) {
      return text.indexOf("{{") < 0 ? text : text.replace("{{", "{ {");
    }

    /** The text with markers swapped back for the tags they stand for. */
    private String restore(String text) {
      if (text.indexOf('<') < 0 && text.indexOf(ATTRIBUTE_OPEN) < 0) {
        return text;
      }
      Matcher matcher = MARKERS.matcher(text);
      StringBuilder result = new StringBuilder(text.length());
      int copied = 0;
      while (matcher.find()) {
        int index =
            Integer.parseInt(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        TemplateTags.Tag tag = tags.get(index);
        result.append(text, copied, matcher.start()).append(html, tag.start(), tag.end());
        copied = matcher.end();
      }
      return result.append(text, copied, text.length()).toString();
    }

    private static boolean isList(String name) {
      return name.equals("ul") || name.equals("ol");
    }

    private static int start(Element list) {
      try {
        return list.hasAttr("start") ? Integer.parseInt(list.attr("start").strip()) : 1;
      } catch (NumberFormatException e) {
        return 1;
      }
    }

    private static boolean hidden(Element element) {
      if (element.hasAttr("hidden")) {
        return true;
      }
      String style = element.attr("style");
      return !style.isEmpty()
          && style.replace(" ", "").toLowerCase(Locale.ROOT).contains("display:none");
    }
  }
}
