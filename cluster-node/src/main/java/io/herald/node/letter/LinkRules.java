package io.herald.node.letter;

import java.util.Locale;
import java.util.Set;

/**
 * Which link targets a letter may hold, and which of them Herald tracks.
 *
 * <p>Schemes are read the way a browser reads them: spaces and control characters around the value,
 * and tabs and line breaks anywhere in it, do not count, so {@code " java\tscript:"} is still
 * {@code javascript:}. Only {@code http}, {@code https}, {@code mailto}, {@code tel} and {@code
 * sms} links and {@code #anchors} are accepted; a link without a scheme would resolve against
 * nothing in a mail client, so it is refused too.
 *
 * <p>A link holding Mustache tags is personalised: it is accepted only when its scheme is written
 * literally before the first tag (the only exception is the whole link being {@code
 * {{unsubscribe_url}}}), and it is never tracked, because the redirect endpoint may only send
 * people to links stored with the campaign.
 */
final class LinkRules {

  /** What Herald does with a link that is allowed. */
  enum Treatment {
    /** An http(s) link without tags: it passes through the click endpoint when tracking. */
    TRACKABLE,
    /** Any other allowed link: left as written. */
    AS_WRITTEN
  }

  /** A verdict on one link: allowed with a treatment, or refused with a reason. */
  record Verdict(Treatment treatment, String url, String problem) {
    boolean allowed() {
      return problem == null;
    }
  }

  private static final Set<String> ALLOWED = Set.of("http", "https", "mailto", "tel", "sms");
  private static final Set<String> SCRIPTING = Set.of("javascript", "vbscript");
  private static final Set<String> UNSUBSCRIBE_TAGS =
      Set.of("{{unsubscribe_url}}", "{{{unsubscribe_url}}}", "{{&unsubscribe_url}}");

  private LinkRules() {}

  /**
   * Judges the target of a link ({@code <a href>}, {@code <area href>}).
   *
   * @param value the attribute's value with character references decoded
   */
  static Verdict link(String value) {
    int firstTag = value.indexOf("{{");
    if (firstTag >= 0) {
      return personalised(value, firstTag);
    }
    String cleaned = clean(value);
    if (cleaned.isEmpty()) {
      return refused("the link is empty; link to an https:// address or a #anchor");
    }
    if (cleaned.startsWith("#")) {
      return new Verdict(Treatment.AS_WRITTEN, cleaned, null);
    }
    String scheme = scheme(cleaned);
    if (scheme == null) {
      return refused(
          "'"
              + abbreviate(cleaned)
              + "' has no scheme, so a mail client cannot open it; write https://...");
    }
    if (!ALLOWED.contains(scheme)) {
      return refused(notAllowed(scheme));
    }
    if (scheme.equals("http") || scheme.equals("https")) {
      String url = value.strip();
      for (int i = 0; i < url.length(); i++) {
        char c = url.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          return refused("the link contains a line break or control character");
        }
      }
      int hostStart = scheme.length() + 3;
      if (!url.regionMatches(scheme.length(), "://", 0, 3)
          || hostStart >= url.length()
          || "/?#".indexOf(url.charAt(hostStart)) >= 0) {
        return refused("'" + abbreviate(url) + "' has no host; write " + scheme + "://host/...");
      }
      return new Verdict(Treatment.TRACKABLE, url.replace(" ", "%20"), null);
    }
    return new Verdict(Treatment.AS_WRITTEN, cleaned, null);
  }

  /**
   * Judges a URL in an attribute other than a link's target ({@code src}, {@code background},
   * {@code action} and the like): only scripting schemes are refused there.
   */
  static String otherUrlProblem(String value) {
    if (value.contains("{{")) {
      return null;
    }
    String scheme = scheme(clean(value));
    return scheme != null && SCRIPTING.contains(scheme) ? notAllowed(scheme) : null;
  }

  private static Verdict personalised(String value, int firstTag) {
    String prefix = clean(value.substring(0, firstTag));
    if (prefix.isEmpty()) {
      String whole = value.strip().replace(" ", "");
      if (UNSUBSCRIBE_TAGS.contains(whole)) {
        return new Verdict(Treatment.AS_WRITTEN, value.strip(), null);
      }
      return refused(
          "a link that starts with a tag could turn into any scheme; write the scheme first,"
              + " as in https://example.com/{{attributes.code}}, or use {{unsubscribe_url}}");
    }
    if (prefix.startsWith("#")) {
      return new Verdict(Treatment.AS_WRITTEN, value.strip(), null);
    }
    String scheme = scheme(prefix);
    if (scheme == null) {
      return refused(
          "write the link's scheme before its first tag, as in https://example.com/{{...}}");
    }
    if (!ALLOWED.contains(scheme)) {
      return refused(notAllowed(scheme));
    }
    return new Verdict(Treatment.AS_WRITTEN, value.strip(), null);
  }

  /** The value without surrounding spaces and controls, and without tabs and line breaks. */
  private static String clean(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && value.charAt(start) <= 0x20) {
      start++;
    }
    while (end > start && value.charAt(end - 1) <= 0x20) {
      end--;
    }
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      if (c != '\t' && c != '\n' && c != '\r') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The lower-cased scheme of a cleaned URL, or null when it has none. */
  private static String scheme(String url) {
    int colon = url.indexOf(':');
    if (colon < 1) {
      return null;
    }
    for (int i = 0; i < colon; i++) {
      char c = url.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) {
        return null;
      }
    }
    return url.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  private static String notAllowed(String scheme) {
    if (SCRIPTING.contains(scheme) || scheme.equals("data")) {
      return scheme + ": links are not allowed in letters";
    }
    return "links may use http, https, mailto, tel or sms, not " + scheme + ":";
  }

  private static Verdict refused(String problem) {
    return new Verdict(null, null, problem);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
