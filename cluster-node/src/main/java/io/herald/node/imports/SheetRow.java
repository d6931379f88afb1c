package io.herald.node.imports;

import java.util.List;

/**
 * One row of an address book as read from the file, before any column means anything.
 *
 * @param row the row's number in the file (the header is usually row 1), for error reports
 * @param cells the cells in column order: {@link String}, {@link java.math.BigDecimal} or {@link
 *     Boolean}, or null for an empty cell
 */
public record SheetRow(long row, List<Object> cells) {}
