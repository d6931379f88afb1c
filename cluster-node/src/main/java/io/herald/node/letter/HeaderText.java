package io.herald.node.letter;

/**
 * The one check every text bound for a header passes: a line break in a header value would end the
 * header and let the rest of the value add headers of its own (Bcc, a second body), so any CR or
 * LF, and any other control character but tab, is refused rather than cleaned.
 */
final class HeaderText {

  private HeaderText() {}

  /**
   * What keeps a text out of a header, completing "the value ...", or null when it may go in.
   *
   * @param maxChars the longest the text may be
   */
  static String problem(String text, int maxChars) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c == '\u2028' || c == '\u2029' || c == '\u0085') {
        return "contains a line break";
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "contains a control character";
      }
    }
    if (text.length() > maxChars) {
      return "is longer than " + maxChars + " characters";
    }
    return null;
  }
}
