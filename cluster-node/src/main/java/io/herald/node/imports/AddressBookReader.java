package io.herald.node.imports;

import java.io.Closeable;
import java.util.List;

/**
 * Reads an address-book file row by row, never holding more than a row (and the reader's buffers)
 * in memory. Opening it reads the header; {@link #next()} returns the data rows that follow.
 */
public interface AddressBookReader extends Closeable {

  /** The column names of the header row, as written in the file. */
  List<String> header();

  /**
   * The next data row, or null at the end of the file. Empty rows are passed over.
   *
   * @throws ImportFileException when the rest of the file cannot be read
   */
  SheetRow next();
}
