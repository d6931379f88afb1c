package io.herald.node.imports;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV address book, read with FastCSV. The encoding and the delimiter are detected from the first
 * 64 KiB unless given: the delimiter is whichever of comma, semicolon, tab and bar appears most
 * often outside quotes in the header line.
 */
public final class CsvAddressBook implements AddressBookReader {

  /** Bytes looked at to detect the encoding and delimiter. */
  static final int SAMPLE_BYTES = 64 * 1024;

  /** Delimiters recognised, in the order that breaks ties. */
  static final String DELIMITERS = ",;\t|";

  /** Most characters FastCSV buffers for one field; a longer field breaks the file. */
  static final int MAX_FIELD_CHARS = 4 * 1024 * 1024;

  /** Most columns a header may have. */
  static final int MAX_COLUMNS = 1000;

  private final CsvReader<CsvRecord> reader;
  private final CloseableIterator<CsvRecord> records;
  private final List<String> header;

  private CsvAddressBook(CsvReader<CsvRecord> reader, List<String> header) {
    this.reader = reader;
    this.records = reader.iterator();
    this.header = header;
    readHeader();
  }

  /**
   * Opens a CSV file and reads its header.
   *
   * @param delimiter the delimiter, or null to detect it
   * @param encoding the character set's name, or null to detect it
   */
  public static CsvAddressBook open(Path file, String delimiter, String encoding) {
    byte[] head = sample(file);
    String binary = FileSignature.binaryFormat(head);
    if (binary != null) {
      throw new ImportFileException("the file is " + binary + ", not CSV text", true);
    }
    TextEncoding text = TextEncoding.of(head, encoding);
    String preview = text.preview(head);
    if (preview.isBlank()) {
      throw new ImportFileException("the file is empty");
    }
    if (!text.charset().name().startsWith("UTF-16") && preview.indexOf('\0') >= 0) {
      throw new ImportFileException("the file holds NUL bytes: it is not CSV text", true);
    }
    char separator = delimiter == null ? detectDelimiter(preview) : givenDelimiter(delimiter);
    try {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      in.skipNBytes(text.bomLength());
      CsvReader<CsvRecord> reader =
          CsvReader.builder()
              .fieldSeparator(separator)
              .skipEmptyLines(true)
              .allowExtraFields(true)
              .allowMissingFields(true)
              .allowExtraCharsAfterClosingQuote(true)
              .maxBufferSize(MAX_FIELD_CHARS)
              .ofCsvRecord(new InputStreamReader(in, text.charset()));
      return new CsvAddressBook(reader, new ArrayList<>());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readHeader() {
    CsvRecord first = nextRecord();
    if (first == null) {
      close();
      throw new ImportFileException("the file is empty");
    }
    if (first.getFieldCount() > MAX_COLUMNS) {
      close();
      throw new ImportFileException(
          "the header has " + first.getFieldCount() + " columns; at most " + MAX_COLUMNS);
    }
    header.addAll(first.getFields());
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public SheetRow next() {
    CsvRecord record = nextRecord();
    if (record == null) {
      return null;
    }
    List<Object> cells = new ArrayList<>(record.getFieldCount());
    for (String field : record.getFields()) {
      cells.add(field.isEmpty() ? null : field);
    }
    return new SheetRow(record.getStartingLineNumber(), cells);
  }

  private CsvRecord nextRecord() {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (CsvParseException e) {
      throw new ImportFileException(
          "the CSV cannot be read further (a field longer than "
              + MAX_FIELD_CHARS
              + " characters or an unclosed quote?): "
              + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new ImportFileException("the file cannot be read: " + e.getCause().getMessage());
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // Nothing to lose: the file was only read.
    }
  }

  private static byte[] sample(Path file) {
    try {
      return FileSignature.head(file, SAMPLE_BYTES);
    } catch (NoSuchFileException e) {
      throw new ImportFileException("the uploaded file is not on this node: " + file);
    } catch (IOException e) {
      throw new ImportFileException("the file cannot be read: " + e.getMessage());
    }
  }

  private static char givenDelimiter(String given) {
    String d = given.equalsIgnoreCase("tab") || given.equals("\\t") ? "\t" : given;
    if (d.length() != 1 || DELIMITERS.indexOf(d.charAt(0)) < 0) {
      throw new ImportFileException(
          "delimiter must be one of ',', ';', '|' or 'tab', not '" + given + "'");
    }
    return d.charAt(0);
  }

  /** The candidate delimiter seen most often outside quotes in the first line. */
  static char detectDelimiter(String preview) {
    int[] counts = new int[DELIMITERS.length()];
    boolean quoted = false;
    for (int i = 0; i < preview.length(); i++) {
      char c = preview.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        break;
      } else if (!quoted) {
        int k = DELIMITERS.indexOf(c);
        if (k >= 0) {
          counts[k]++;
        }
      }
    }
    int best = 0;
    for (int k = 1; k < counts.length; k++) {
      if (counts[k] > counts[best]) {
        best = k;
      }
    }
    return DELIMITERS.charAt(best);
  }
}
