package io.herald.node.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Writes many rows to MySQL or MariaDB as multi-row {@code INSERT} statements of a few fixed sizes,
 * each a server-side prepared statement that the connection keeps.
 *
 * <p>Connector/J can rewrite a JDBC batch into one multi-row statement itself, but it then works
 * out every batch anew: with client-side statements it measures, escapes and splices each value
 * into the SQL text, with server-side ones it prepares a statement of the batch's own size. Both
 * cost more CPU than the server spends storing the rows. Statements of {@link #SIZES} rows are
 * prepared once per connection (the pool sets {@code cachePrepStmts}) and take their values in the
 * binary protocol; a run of rows is cut into the largest sizes that fit, so any count needs at most
 * a handful of executions beyond the full statements.
 */
public final class MultiRowInsert<T> {

  /** Binds one row's values from {@code first} on; answers the next free index. */
  @FunctionalInterface
  public interface RowBinder<T> {
    int bind(PreparedStatement statement, int first, T row) throws SQLException;
  }

  /** The statement sizes, largest first; the last must be 1. */
  static final int[] SIZES = {128, 32, 8, 1};

  private final String[] sqlBySize = new String[SIZES.length];
  private final RowBinder<T> binder;

  /**
   * @param head the statement up to {@code VALUES}, e.g. {@code INSERT INTO t (a, b) VALUES}
   * @param row one row's placeholders, e.g. {@code (?, ?)}
   * @param tail what follows the rows, e.g. an {@code ON DUPLICATE KEY UPDATE} clause, or empty
   */
  public MultiRowInsert(String head, String row, String tail, RowBinder<T> binder) {
    for (int i = 0; i < SIZES.length; i++) {
      sqlBySize[i] = head + " " + String.join(", ", Collections.nCopies(SIZES[i], row)) + tail;
    }
    this.binder = binder;
  }

  /** Writes the rows in the connection's transaction, in their order. */
  public void write(Connection connection, List<T> rows) throws SQLException {
    int from = 0;
    for (int i = 0; i < SIZES.length && from < rows.size(); i++) {
      int size = SIZES[i];
      if (rows.size() - from < size) {
        continue;
      }
      try (PreparedStatement statement = connection.prepareStatement(sqlBySize[i])) {
        while (rows.size() - from >= size) {
          int index = 1;
          for (int r = from; r < from + size; r++) {
            index = binder.bind(statement, index, rows.get(r));
          }
          statement.executeUpdate();
          from += size;
        }
      }
    }
  }
}
