package io.herald.node.imports;

import io.herald.node.imports.AddressBookColumns.ParsedRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * The rows imports rejected, in the {@code import_errors} table: written in one batch per chunk of
 * the file, read back page by page in row order for {@code errors.csv}. Every statement names the
 * account. Calls block, so they run on the given executor.
 */
public final class JdbcImportErrors {

  /** A stored rejected row. */
  public record RejectedRow(long row, String email, String reason) {}

  private static final String INSERT =
      "INSERT INTO import_errors (account_id, import_id, file_row, email, reason)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String DELETE_AFTER =
      "DELETE FROM import_errors WHERE account_id = ? AND import_id = ? AND file_row > ?";
  private static final String PAGE =
      "SELECT file_row, email, reason FROM import_errors"
          + " WHERE account_id = ? AND import_id = ? AND file_row > ?"
          + " ORDER BY account_id, import_id, file_row LIMIT ?";

  private static final int MAX_EMAIL = 400;
  private static final int MAX_REASON = 1000;

  private final DataSource dataSource;
  private final Executor executor;

  /** Errors stored through the pool, with calls run on the executor. */
  public JdbcImportErrors(DataSource dataSource, Executor executor) {
    this.dataSource = Objects.requireNonNull(dataSource);
    this.executor = Objects.requireNonNull(executor);
  }

  /** Stores rejected rows in one batch. */
  public CompletionStage<Void> insert(String accountId, String importId, List<ParsedRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            for (ParsedRow row : rows) {
              insert.setString(1, accountId);
              insert.setString(2, importId);
              insert.setLong(3, row.row());
              insert.setString(4, cut(row.email(), MAX_EMAIL));
              insert.setString(5, cut(row.reason(), MAX_REASON));
              insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  /** Deletes the rows after {@code lastRow}: they will be read again by a resumed job. */
  public CompletionStage<Void> deleteAfter(String accountId, String importId, long lastRow) {
    return CompletableFuture.runAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement delete = c.prepareStatement(DELETE_AFTER)) {
            delete.setString(1, accountId);
            delete.setString(2, importId);
            delete.setLong(3, lastRow);
            delete.executeUpdate();
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  /** Up to {@code limit} rejected rows after {@code afterRow}, in row order. */
  public CompletionStage<List<RejectedRow>> page(
      String accountId, String importId, long afterRow, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement page = c.prepareStatement(PAGE)) {
            page.setString(1, accountId);
            page.setString(2, importId);
            page.setLong(3, afterRow);
            page.setInt(4, limit);
            var out = new ArrayList<RejectedRow>(limit);
            try (ResultSet rs = page.executeQuery()) {
              while (rs.next()) {
                out.add(new RejectedRow(rs.getLong(1), rs.getString(2), rs.getString(3)));
              }
            }
            return out;
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  private static String cut(String text, int max) {
    String t = text == null ? "" : text;
    return t.length() <= max ? t : t.substring(0, max);
  }
}
