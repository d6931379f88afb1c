package io.herald.node.imports;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.mozilla.universalchardet.UniversalDetector;

/**
 * The character set of a text file and the length of its byte-order mark, found from its first
 * bytes: a BOM decides; then NUL bytes in every other position mean UTF-16; then bytes that decode
 * as UTF-8 are UTF-8; else a statistical detector chooses between Windows-1251 (Cyrillic) and
 * Latin-1, the single-byte sets address books are still exported in.
 */
record TextEncoding(Charset charset, int bomLength) {

  private static final Set<String> SINGLE_BYTE = Set.of("WINDOWS-1251", "KOI8-R", "IBM866");

  /** The encoding of a file that starts with these bytes, or the one given by name. */
  static TextEncoding of(byte[] head, String given) {
    int bom = bomLength(head);
    if (given != null) {
      Charset charset;
      try {
        charset = Charset.forName(given.strip());
      } catch (IllegalArgumentException e) {
        throw new ImportFileException("unknown encoding '" + given + "'");
      }
      return new TextEncoding(charset, bom > 0 && bomCharset(head).equals(charset) ? bom : 0);
    }
    if (bom > 0) {
      return new TextEncoding(bomCharset(head), bom);
    }
    Charset utf16 = utf16WithoutBom(head);
    if (utf16 != null) {
      return new TextEncoding(utf16, 0);
    }
    if (decodesAsUtf8(head)) {
      return new TextEncoding(StandardCharsets.UTF_8, 0);
    }
    UniversalDetector detector = new UniversalDetector();
    detector.handleData(head, 0, head.length);
    detector.dataEnd();
    String detected = detector.getDetectedCharset();
    if (detected != null && SINGLE_BYTE.contains(detected.toUpperCase(Locale.ROOT))) {
      return new TextEncoding(Charset.forName("windows-1251"), 0);
    }
    return new TextEncoding(StandardCharsets.ISO_8859_1, 0);
  }

  private static int bomLength(byte[] h) {
    if (h.length >= 3 && (h[0] & 0xFF) == 0xEF && (h[1] & 0xFF) == 0xBB && (h[2] & 0xFF) == 0xBF) {
      return 3;
    }
    if (h.length >= 2
        && (((h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xFE)
            || ((h[0] & 0xFF) == 0xFE && (h[1] & 0xFF) == 0xFF))) {
      return 2;
    }
    return 0;
  }

  private static Charset bomCharset(byte[] h) {
    return switch (bomLength(h)) {
      case 3 -> StandardCharsets.UTF_8;
      case 2 -> (h[0] & 0xFF) == 0xFF ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
      default -> StandardCharsets.UTF_8;
    };
  }

  /** UTF-16 text of mostly ASCII characters has a NUL in every other byte. */
  private static Charset utf16WithoutBom(byte[] h) {
    int pairs = Math.min(h.length / 2, 512);
    if (pairs < 2) {
      return null;
    }
    int evenNuls = 0;
    int oddNuls = 0;
    for (int i = 0; i < pairs; i++) {
      if (h[2 * i] == 0) {
        evenNuls++;
      }
      if (h[2 * i + 1] == 0) {
        oddNuls++;
      }
    }
    if (oddNuls > pairs * 0.6 && evenNuls == 0) {
      return StandardCharsets.UTF_16LE;
    }
    if (evenNuls > pairs * 0.6 && oddNuls == 0) {
      return StandardCharsets.UTF_16BE;
    }
    return null;
  }

  /** Whether the bytes are UTF-8, allowing a sequence cut off at the end of the sample. */
  private static boolean decodesAsUtf8(byte[] head) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(head);
    CharBuffer out = CharBuffer.allocate(head.length + 1);
    CoderResult result = decoder.decode(in, out, false);
    if (result.isError()) {
      return false;
    }
    // Bytes left over are an incomplete sequence at the end of the sample: at most 3.
    return in.remaining() <= 3;
  }

  /** Decodes the sample leniently, for looking at the header line. */
  String preview(byte[] head) {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(head, bomLength, head.length - bomLength))
          .toString();
    } catch (CharacterCodingException e) {
      return "";
    }
  }
}
