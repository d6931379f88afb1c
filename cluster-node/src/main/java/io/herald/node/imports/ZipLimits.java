package io.herald.node.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks an XLSX file (a ZIP archive) before any XML parser sees it: at most {@code maxEntries}
 * entries, at most {@code maxInflatedBytes} once inflated, no entry that inflates more than {@code
 * maxRatio} times its compressed size (past the first MiB), and no XML part that declares a DTD.
 * Every entry is inflated to count its real size, since the sizes a ZIP declares can lie. A
 * spreadsheet never needs a DTD, so refusing any {@code <!DOCTYPE} shuts out XXE and entity
 * expansion ("billion laughs") whatever the XML parser would do with them.
 */
public record ZipLimits(int maxEntries, long maxInflatedBytes, int maxRatio) {

  private static final byte[] DOCTYPE = "<!doctype".getBytes(StandardCharsets.US_ASCII);
  private static final long RATIO_GRACE = 1 << 20;

  /** Checks the archive, throwing {@link ImportFileException} with the reason it is refused. */
  public void check(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > maxEntries) {
        throw new ImportFileException(
            "the XLSX archive has " + zip.size() + " entries; at most " + maxEntries);
      }
      if (zip.getEntry("xl/workbook.xml") == null) {
        throw new ImportFileException("the ZIP archive is not an XLSX workbook", true);
      }
      long total = 0;
      byte[] buffer = new byte[1 << 16];
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        total += inflate(zip, entry, buffer, total);
      }
    } catch (ZipException e) {
      throw new ImportFileException("the file is not a readable XLSX (ZIP) archive", true);
    } catch (IOException e) {
      throw new ImportFileException("the XLSX file cannot be read: " + e.getMessage());
    }
  }

  private long inflate(ZipFile zip, ZipEntry entry, byte[] buffer, long before) throws IOException {
    boolean xml =
        entry.getName().toLowerCase(Locale.ROOT).endsWith(".xml")
            || entry.getName().toLowerCase(Locale.ROOT).endsWith(".rels");
    long compressed = Math.max(1, entry.getCompressedSize());
    long inflated = 0;
    int matched = 0;
    try (InputStream in = zip.getInputStream(entry)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        inflated += n;
        if (before + inflated > maxInflatedBytes) {
          throw new ImportFileException(
              "the XLSX archive inflates to more than " + maxInflatedBytes + " bytes");
        }
        if (inflated > RATIO_GRACE && inflated / compressed > maxRatio) {
          throw new ImportFileException(
              "the XLSX entry "
                  + entry.getName()
                  + " inflates more than "
                  + maxRatio
                  + " times: refused as a possible zip bomb");
        }
        if (xml) {
          matched = scanForDoctype(buffer, n, matched, entry.getName());
        }
      }
    }
    return inflated;
  }

  /** Looks for "<!doctype" in any case, carrying a partial match across reads. */
  private static int scanForDoctype(byte[] buffer, int n, int matched, String entry) {
    int m = matched;
    for (int i = 0; i < n; i++) {
      byte b = buffer[i];
      byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
      if (lower == DOCTYPE[m]) {
        m++;
        if (m == DOCTYPE.length) {
          throw new ImportFileException(
              "the XLSX part " + entry + " declares a DTD (<!DOCTYPE>); refused as unsafe");
        }
      } else {
        m = lower == DOCTYPE[0] ? 1 : 0;
      }
    }
    return m;
  }
}
