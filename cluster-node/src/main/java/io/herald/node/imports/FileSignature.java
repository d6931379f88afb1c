package io.herald.node.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the first bytes of a file say it is, so that a PNG sent as CSV is refused at once. */
final class FileSignature {

  private FileSignature() {}

  /** Up to {@code n} first bytes of the file. */
  static byte[] head(Path file, int n) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(n);
    }
  }

  /** Whether the bytes start a ZIP archive, as every XLSX file does. */
  static boolean isZip(byte[] head) {
    return head.length >= 4
        && head[0] == 'P'
        && head[1] == 'K'
        && (head[2] == 3 || head[2] == 5)
        && (head[3] == 4 || head[3] == 6);
  }

  /**
   * The name of a binary format these bytes start, or null when they may be text. Only formats
   * people mistake for address books are named; other binaries are caught by their NUL bytes.
   */
  static String binaryFormat(byte[] h) {
    if (isZip(h)) {
      return "a ZIP archive (an XLSX workbook?)";
    }
    if (starts(h, 0x89, 'P', 'N', 'G')) {
      return "a PNG image";
    }
    if (starts(h, 0xFF, 0xD8, 0xFF)) {
      return "a JPEG image";
    }
    if (starts(h, 'G', 'I', 'F', '8')) {
      return "a GIF image";
    }
    if (starts(h, '%', 'P', 'D', 'F')) {
      return "a PDF document";
    }
    if (starts(h, 0xD0, 0xCF, 0x11, 0xE0)) {
      return "an old binary Office file (.xls); save it as .xlsx or CSV";
    }
    if (starts(h, 0x1F, 0x8B)) {
      return "a gzip archive";
    }
    return null;
  }

  private static boolean starts(byte[] h, int... bytes) {
    if (h.length < bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((h[i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
