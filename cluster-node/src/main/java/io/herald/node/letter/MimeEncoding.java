package io.herald.node.letter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The encodings a letter needs, written for speed on the send path: quoted-printable bodies (RFC
 * 2045) and encoded words for headers (RFC 2047).
 *
 * <p>Jakarta Mail 2.1 can do both, but each of its encoder streams, body parts and multiparts looks
 * its stream provider up through a ServiceLoader on creation (jakartaee/mail-api#861), and its
 * quoted-printable stream writes one byte at a time; together they cost several times the rest of
 * rendering. Letters only ever need UTF-8, quoted-printable and base64 encoded words, so this class
 * does exactly that.
 */
final class MimeEncoding {

  /** Longest line of a quoted-printable body, soft break included (RFC 2045 section 6.7). */
  static final int QP_LINE = 76;

  /** Longest line of a header holding encoded words (RFC 2047 section 2). */
  static final int HEADER_LINE = 76;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /**
   * The bytes quoted-printable can write as themselves: printable ASCII but {@code =}, and the two
   * blanks, which must still be encoded where they end a line.
   */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int b = 0; b < 256; b++) {
      PLAIN[b] = (b > ' ' && b < 127 && b != '=') || b == ' ' || b == '\t';
    }
  }

  private static final String WORD_START = "=?UTF-8?B?";
  private static final String WORD_END = "?=";
  private static final String RFC5322_SPECIALS = "()<>[]:;@\\,.\"";

  private MimeEncoding() {}

  /** A growable byte buffer without the locking of {@link java.io.ByteArrayOutputStream}. */
  static final class Bytes {
    private byte[] bytes;
    private int size;

    Bytes(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    void add(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[size++] = (byte) b;
    }

    void add(String ascii) {
      ensure(ascii.length());
      for (int i = 0; i < ascii.length(); i++) {
        bytes[size++] = (byte) ascii.charAt(i);
      }
    }

    void add(byte[] more, int offset, int length) {
      ensure(length);
      System.arraycopy(more, offset, bytes, size, length);
      size += length;
    }

    /** The backing array, with room for {@code more} bytes after the current size. */
    byte[] reserve(int more) {
      ensure(more);
      return bytes;
    }

    int size() {
      return size;
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }

  /**
   * Appends a text as UTF-8 quoted-printable: each LF (or CRLF) becomes a CRLF line break, other
   * control bytes, {@code =} and non-ASCII bytes become {@code =XX}, spaces and tabs before a line
   * break are encoded so no relay can strip them, and lines are soft-broken before 76 characters.
   *
   * <p>A dot that would begin a line is encoded too ({@code =2E}), so an encoded body never needs
   * SMTP's dot-stuffing (RFC 5321 section 4.5.2) and can go onto the wire as it is.
   */
  static void quotedPrintable(String text, Bytes out) {
    // For the Latin-1 strings most letters are, getBytes is an intrinsic copy, and scanning bytes
    // is several times faster than charAt with its per-call checks.
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    int length = in.length;
    byte[] buffer = out.reserve(length + length / 16 + 64);
    int at = out.size;
    int line = 0;
    for (int i = 0; i < length; ) {
      // The most one step below writes: a soft break and a full line, or four escaped bytes.
      if (at + QP_LINE + 8 > buffer.length) {
        out.size = at;
        buffer = out.reserve(Math.max(QP_LINE + 8, (length - i) * 2));
      }
      int b = in[i] & 0xff;
      if (b == '\n' || (b == '\r' && i + 1 < length && in[i + 1] == '\n')) {
        i += b == '\r' ? 2 : 1;
        buffer[at++] = '\r';
        buffer[at++] = '\n';
        line = 0;
        continue;
      }
      if (PLAIN[b] && !(line == 0 && b == '.') && !(isBlank(b) && endsLine(in, i + 1))) {
        if (line == QP_LINE - 1) {
          at = softBreak(buffer, at);
          line = 0;
          continue; // the byte now begins a line, where a dot must be encoded
        }
        // Most of a letter is runs of words and spaces: copy a run up to the end of the line.
        int limit = Math.min(length, i + (QP_LINE - 1 - line));
        int start = i++;
        while (i < limit && PLAIN[in[i] & 0xff]) {
          i++;
        }
        if (isBlank(in[i - 1]) && endsLine(in, i)) {
          i--; // the run's last blank ends its line: the next step encodes it
        }
        System.arraycopy(in, start, buffer, at, i - start);
        at += i - start;
        line += i - start;
        continue;
      }
      // The bytes of one character stay on one line, which keeps the text readable raw.
      int bytes = Math.min(length - i, b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4);
      if (line + 3 * bytes > QP_LINE - 1) {
        at = softBreak(buffer, at);
        line = 0;
      }
      for (int k = 0; k < bytes; k++) {
        int escaped = in[i + k] & 0xff;
        buffer[at++] = '=';
        buffer[at++] = HEX[escaped >> 4];
        buffer[at++] = HEX[escaped & 0xf];
      }
      line += 3 * bytes;
      i += bytes;
    }
    out.size = at;
  }

  private static int softBreak(byte[] buffer, int at) {
    buffer[at] = '=';
    buffer[at + 1] = '\r';
    buffer[at + 2] = '\n';
    return at + 3;
  }

  private static boolean isBlank(int b) {
    return b == ' ' || b == '\t';
  }

  private static boolean endsLine(byte[] text, int next) {
    return next >= text.length
        || text[next] == '\n'
        || (text[next] == '\r' && next + 1 < text.length && text[next + 1] == '\n');
  }

  /**
   * An unstructured header value (a subject): ASCII text folded at spaces, or else encoded words.
   *
   * @param used the characters already on the header's first line ("Subject: " is 9)
   */
  static String unstructured(String text, int used) {
    return isPlainAscii(text) ? foldAtSpaces(text, used) : encodedWords(text, used);
  }

  /**
   * A mailbox ({@code name <address>}, or the bare address without a name) for an address header.
   *
   * @param used the characters already on the header's first line ("From: " is 6)
   */
  static String mailbox(String name, String address, int used) {
    if (name == null || name.isBlank()) {
      return address;
    }
    String phrase = phrase(name.strip(), used);
    int lastBreak = phrase.lastIndexOf('\n');
    int lineLength = lastBreak < 0 ? used + phrase.length() : phrase.length() - lastBreak - 1;
    // " <" before the address and ">" after it
    String separator = lineLength + 3 + address.length() > HEADER_LINE ? "\r\n " : " ";
    return phrase + separator + "<" + address + ">";
  }

  /** A display name as an RFC 5322 phrase: atoms, a quoted string, or encoded words. */
  static String phrase(String name, int used) {
    if (!isPlainAscii(name)) {
      return encodedWords(name, used);
    }
    boolean needsQuotes = name.startsWith(" ") || name.endsWith(" ") || name.contains("  ");
    for (int i = 0; i < name.length() && !needsQuotes; i++) {
      needsQuotes = RFC5322_SPECIALS.indexOf(name.charAt(i)) >= 0 || name.charAt(i) == '\t';
    }
    if (!needsQuotes) {
      return name;
    }
    StringBuilder quoted = new StringBuilder(name.length() + 8).append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }

  /**
   * The text as base64 UTF-8 encoded words, each holding whole characters and no line longer than
   * {@link #HEADER_LINE}, separated by folding whitespace (which decoders drop between words).
   */
  static String encodedWords(String text, int used) {
    StringBuilder out = new StringBuilder(text.length() * 2 + 16);
    Base64.Encoder base64 = Base64.getEncoder();
    byte[] chunk = new byte[64];
    int chunkLength = 0;
    int available = HEADER_LINE - used;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int length = utf8Length(codePoint);
      if (chunkLength > 0 && wordLength(chunkLength + length) > available) {
        appendWord(out, base64, chunk, chunkLength);
        chunkLength = 0;
        available = HEADER_LINE - 1;
      }
      chunkLength = utf8(codePoint, length, chunk, chunkLength);
      i += Character.charCount(codePoint);
    }
    if (chunkLength > 0) {
      appendWord(out, base64, chunk, chunkLength);
    }
    return out.toString();
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }

  /** Writes one code point as UTF-8; a lone surrogate is written as U+FFFD, as Java would. */
  private static int utf8(int codePoint, int length, byte[] out, int at) {
    if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
      codePoint = 0xFFFD;
    }
    switch (length) {
      case 1:
        out[at++] = (byte) codePoint;
        break;
      case 2:
        out[at++] = (byte) (0xC0 | (codePoint >> 6));
        out[at++] = (byte) (0x80 | (codePoint & 0x3F));
        break;
      case 3:
        out[at++] = (byte) (0xE0 | (codePoint >> 12));
        out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (codePoint & 0x3F));
        break;
      default:
        out[at++] = (byte) (0xF0 | (codePoint >> 18));
        out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (codePoint & 0x3F));
        break;
    }
    return at;
  }

  private static void appendWord(StringBuilder out, Base64.Encoder base64, byte[] chunk, int n) {
    if (out.length() > 0) {
      out.append("\r\n ");
    }
    out.append(WORD_START).append(base64.encodeToString(Arrays.copyOf(chunk, n))).append(WORD_END);
  }

  private static int wordLength(int bytes) {
    return WORD_START.length() + (bytes + 2) / 3 * 4 + WORD_END.length();
  }

  /** ASCII text folded before spaces so that lines stay near 76 characters where they can. */
  private static String foldAtSpaces(String text, int used) {
    if (used + text.length() <= HEADER_LINE) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    int line = used;
    int start = 0;
    while (start < text.length()) {
      int next = text.indexOf(' ', start + 1);
      if (next < 0) {
        next = text.length();
      }
      String piece = text.substring(start, next);
      if (line + piece.length() > HEADER_LINE
          && out.length() > 0
          && piece.charAt(0) == ' '
          && !piece.isBlank()) {
        out.append("\r\n");
        line = 0;
      }
      out.append(piece);
      line += piece.length();
      start = next;
    }
    return out.toString();
  }

  /** Printable ASCII (and tab) that no decoder could mistake for an encoded word. */
  private static boolean isPlainAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return false;
      }
    }
    return !text.contains("=?");
  }
}
