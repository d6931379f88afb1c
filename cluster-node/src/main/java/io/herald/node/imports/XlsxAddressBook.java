package io.herald.node.imports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * An XLSX address book, streamed with fastexcel-reader after {@link ZipLimits} has passed the
 * archive. fastexcel's StAX parser already has DTDs and external entities switched off; the zip
 * check refuses any DTD before it gets there. Numbers stay numbers, and numbers in a date format
 * become ISO-8601 text (a date, or a date and time when the time is not midnight).
 */
public final class XlsxAddressBook implements AddressBookReader {

  /** Built-in Excel number formats that show dates or times. */
  private static final Set<Integer> DATE_FORMAT_IDS =
      Set.of(14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47);

  private final ReadableWorkbook workbook;
  private final Stream<Row> stream;
  private final Iterator<Row> rows;
  private final List<String> header = new ArrayList<>();

  private XlsxAddressBook(ReadableWorkbook workbook, Stream<Row> stream) {
    this.workbook = workbook;
    this.stream = stream;
    this.rows = stream.iterator();
  }

  /** Checks and opens an XLSX file and reads the header of the sheet (the first when null). */
  public static XlsxAddressBook open(Path file, String sheetName, ZipLimits limits) {
    byte[] head;
    try {
      head = FileSignature.head(file, 8);
    } catch (NoSuchFileException e) {
      throw new ImportFileException("the uploaded file is not on this node: " + file);
    } catch (IOException e) {
      throw new ImportFileException("the file cannot be read: " + e.getMessage());
    }
    if (head.length == 0) {
      throw new ImportFileException("the file is empty");
    }
    if (!FileSignature.isZip(head)) {
      String binary = FileSignature.binaryFormat(head);
      throw new ImportFileException(
          binary == null
              ? "the file is not an XLSX workbook: it is not a ZIP archive"
              : "the file is " + binary + ", not XLSX",
          true);
    }
    limits.check(file);
    ReadableWorkbook workbook = null;
    try {
      workbook = new ReadableWorkbook(file.toFile(), new ReadingOptions(true, false));
      Sheet sheet =
          sheetName == null
              ? workbook.getFirstSheet()
              : workbook
                  .findSheet(sheetName)
                  .orElseThrow(
                      () ->
                          new ImportFileException("the workbook has no sheet '" + sheetName + "'"));
      var book = new XlsxAddressBook(workbook, sheet.openStream());
      book.readHeader();
      return book;
    } catch (IOException | RuntimeException e) {
      closeQuietly(workbook);
      throw e instanceof ImportFileException ife ? ife : broken(e);
    }
  }

  private void readHeader() {
    Row first = nextRow();
    if (first == null) {
      throw new ImportFileException("the sheet is empty");
    }
    List<Object> cells = cells(first);
    if (cells.size() > CsvAddressBook.MAX_COLUMNS) {
      throw new ImportFileException(
          "the header has " + cells.size() + " columns; at most " + CsvAddressBook.MAX_COLUMNS);
    }
    for (Object cell : cells) {
      header.add(cell == null ? "" : text(cell));
    }
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public SheetRow next() {
    Row row = nextRow();
    return row == null ? null : new SheetRow(row.getRowNum(), cells(row));
  }

  private Row nextRow() {
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        if (row.getFirstNonEmptyCell().isPresent()) {
          return row;
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw broken(e);
    }
  }

  private static List<Object> cells(Row row) {
    int count = row.getCellCount();
    List<Object> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(value(row.getCell(i)));
    }
    // Trailing empty cells are formatting, not data.
    while (!out.isEmpty() && out.get(out.size() - 1) == null) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static Object value(Cell cell) {
    if (cell == null) {
      return null;
    }
    return switch (cell.getType()) {
      case EMPTY -> null;
      case NUMBER -> isDate(cell) ? isoDate(cell.asDate()) : cell.asNumber();
      case BOOLEAN -> cell.asBoolean();
      case STRING -> emptyToNull(cell.asString());
      default -> emptyToNull(cell.getRawValue());
    };
  }

  private static boolean isDate(Cell cell) {
    Integer id = cell.getDataFormatId();
    if (id != null && DATE_FORMAT_IDS.contains(id)) {
      return true;
    }
    String format = cell.getDataFormatString();
    return format != null && looksLikeDateFormat(format);
  }

  /** Whether a number format shows a date: d, y, h or s outside quotes and brackets. */
  static boolean looksLikeDateFormat(String format) {
    boolean quoted = false;
    boolean bracket = false;
    for (int i = 0; i < format.length(); i++) {
      char c = Character.toLowerCase(format.charAt(i));
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\') {
        i++;
      } else if (!quoted && c == '[') {
        bracket = true;
      } else if (!quoted && c == ']') {
        bracket = false;
      } else if (!quoted && !bracket && (c == 'd' || c == 'y' || c == 'h' || c == 's')) {
        return true;
      }
    }
    return false;
  }

  private static String isoDate(LocalDateTime at) {
    return at.toLocalTime().toSecondOfDay() == 0 && at.getNano() == 0
        ? at.toLocalDate().toString()
        : at.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** A cell as text, for headers, names and addresses. */
  static String text(Object cell) {
    if (cell instanceof BigDecimal number) {
      return number.stripTrailingZeros().toPlainString();
    }
    return String.valueOf(cell);
  }

  private static ImportFileException broken(Exception e) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    return new ImportFileException("the XLSX file cannot be read: " + cause.getMessage());
  }

  @Override
  public void close() {
    stream.close();
    closeQuietly(workbook);
  }

  private static void closeQuietly(ReadableWorkbook workbook) {
    if (workbook != null) {
      try {
        workbook.close();
      } catch (IOException e) {
        // Only read; nothing to lose.
      }
    }
  }
}
