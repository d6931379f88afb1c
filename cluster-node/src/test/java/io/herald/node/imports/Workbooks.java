package io.herald.node.imports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small XLSX files written by hand for tests, including hostile ones. */
final class Workbooks {

  private Workbooks() {}

  private static final String CONTENT_TYPES =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package"
          + ".relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats"
          + "-officedocument.spreadsheetml.sheet.main+xml\"/>"
          + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd"
          + ".openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
          + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats"
          + "-officedocument.spreadsheetml.styles+xml\"/></Types>";
  private static final String RELS =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas"
          + ".openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\""
          + "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\""
          + " Target=\"xl/workbook.xml\"/></Relationships>";
  private static final String WORKBOOK =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas"
          + ".openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas"
          + ".openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
          + "<sheet name=\"People\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  private static final String WORKBOOK_RELS =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas"
          + ".openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\""
          + "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
          + " Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas"
          + ".openxmlformats.org/officeDocument/2006/relationships/styles\""
          + " Target=\"styles.xml\"/></Relationships>";
  private static final String STYLES =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"http://schemas"
          + ".openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\">"
          + "<numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm\"/></numFmts>"
          + "<fonts count=\"1\"><font/></fonts><fills count=\"1\"><fill/></fills>"
          + "<borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf/></cellStyleXfs>"
          + "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
          + "<xf numFmtId=\"164\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>";

  /** A cell of inline text. */
  static String text(String ref, String value) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + value + "</t></is></c>";
  }

  /** A number cell, with a style (0 plain, 1 a date, 2 a date and time). */
  static String number(String ref, String value, int style) {
    return "<c r=\"" + ref + "\" s=\"" + style + "\"><v>" + value + "</v></c>";
  }

  /** A row of cells. */
  static String row(int n, String... cells) {
    return "<row r=\"" + n + "\">" + String.join("", cells) + "</row>";
  }

  /** A sheet's XML with the given rows, after an optional prologue (a DOCTYPE, say). */
  static String sheet(String prologue, List<String> rows) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + prologue
        + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<sheetData>"
        + String.join("", rows)
        + "</sheetData></worksheet>";
  }

  /** Writes a workbook whose one sheet has this XML. */
  static Path write(Path file, String sheetXml) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "[Content_Types].xml", CONTENT_TYPES);
      put(zip, "_rels/.rels", RELS);
      put(zip, "xl/workbook.xml", WORKBOOK);
      put(zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS);
      put(zip, "xl/styles.xml", STYLES);
      put(zip, "xl/worksheets/sheet1.xml", sheetXml);
    }
    return file;
  }

  /** Writes a workbook whose sheet is followed by an entry of {@code bytes} zeros. */
  static Path writeWithPadding(Path file, String sheetXml, long zeros) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "[Content_Types].xml", CONTENT_TYPES);
      put(zip, "_rels/.rels", RELS);
      put(zip, "xl/workbook.xml", WORKBOOK);
      put(zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS);
      put(zip, "xl/styles.xml", STYLES);
      put(zip, "xl/worksheets/sheet1.xml", sheetXml);
      zip.putNextEntry(new ZipEntry("xl/media/padding.bin"));
      byte[] block = new byte[1 << 16];
      for (long left = zeros; left > 0; left -= block.length) {
        zip.write(block, 0, (int) Math.min(block.length, left));
      }
      zip.closeEntry();
    }
    return file;
  }

  private static void put(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }
}
