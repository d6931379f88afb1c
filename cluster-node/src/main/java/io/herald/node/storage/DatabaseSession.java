package io.herald.node.storage;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction of a JDBC projection over {@link Database}'s pool: the handler's writes and the
 * projection's offset go through the same connection and commit together, which is what makes a
 * projection exactly-once for its read model.
 *
 * <p>The connection is borrowed on first use, with auto-commit off, and given back on {@link
 * #close()}. A session is used by one projection step at a time, never concurrently.
 */
public final class DatabaseSession implements JdbcSession {

  private final DataSource dataSource;
  private Connection connection;

  DatabaseSession(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public <R> R withConnection(Function<Connection, R> func) throws Exception {
    return func.apply(connection());
  }

  @Override
  public void commit() throws SQLException {
    if (connection != null) {
      connection.commit();
    }
  }

  @Override
  public void rollback() throws SQLException {
    if (connection != null) {
      connection.rollback();
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      Connection borrowed = connection;
      connection = null;
      borrowed.close();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection borrowed = dataSource.getConnection();
      try {
        borrowed.setAutoCommit(false);
      } catch (SQLException e) {
        borrowed.close();
        throw e;
      }
      connection = borrowed;
    }
    return connection;
  }
}
