package io.herald.node.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * An empty database of its own for one test class, dropped on {@link #close()}: an in-memory H2
 * database, or a fresh database on the MariaDB (or MySQL) server of the test machine.
 *
 * <p>The server is {@code jdbc:mysql://127.0.0.1:3306/} as root with an empty password unless
 * {@code HERALD_TEST_MYSQL_URL}, {@code HERALD_TEST_MYSQL_USER} and {@code
 * HERALD_TEST_MYSQL_PASSWORD} say otherwise. A server that cannot be reached fails the test: a
 * contract that silently skips one backend proves nothing about it.
 */
public final class ScratchDatabase implements AutoCloseable {

  private static final String MYSQL_SERVER =
      env("HERALD_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");
  private static final String MYSQL_USER = env("HERALD_TEST_MYSQL_USER", "root");
  private static final String MYSQL_PASSWORD = env("HERALD_TEST_MYSQL_PASSWORD", "");

  private final DatabaseSettings settings;
  private final String name;

  private ScratchDatabase(DatabaseSettings settings, String name) {
    this.settings = settings;
    this.name = name;
  }

  /** A new in-memory H2 database, kept until closed. */
  public static ScratchDatabase h2() {
    String name = freshName();
    String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    return new ScratchDatabase(
        new DatabaseSettings(DatabaseSettings.Kind.H2, url, "", "", 4), name);
  }

  /** A new database on the test MariaDB server. */
  public static ScratchDatabase mariaDb() {
    String name = freshName();
    try (Connection server = serverConnection();
        Statement statement = server.createStatement()) {
      // A case-insensitive default, as many servers have: the migrations must not depend on it.
      statement.execute(
          "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "MariaDB is not reachable at "
              + MYSQL_SERVER
              + " ("
              + e.getMessage()
              + "); start it with: mkdir -p /run/mysqld && chown mysql /run/mysqld &&"
              + " start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
          e);
    }
    String url = MYSQL_SERVER + name + "?sslMode=DISABLED";
    return new ScratchDatabase(
        new DatabaseSettings(DatabaseSettings.Kind.MYSQL, url, MYSQL_USER, MYSQL_PASSWORD, 4),
        name);
  }

  /** Where the database is. */
  public DatabaseSettings settings() {
    return settings;
  }

  /** A name in the plugins' tables as SQL must write it: quoted lower case on H2, bare on MySQL. */
  public String pluginIdentifier(String name) {
    return settings.kind() == DatabaseSettings.Kind.H2 ? '"' + name + '"' : name;
  }

  /** Drops the database. */
  @Override
  public void close() throws SQLException {
    if (settings.kind() == DatabaseSettings.Kind.H2) {
      try (Connection connection = DriverManager.getConnection(settings.url(), "", "");
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    } else {
      try (Connection server = serverConnection();
          Statement statement = server.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + name);
      }
    }
  }

  private static Connection serverConnection() throws SQLException {
    return DriverManager.getConnection(
        MYSQL_SERVER + "?sslMode=DISABLED", MYSQL_USER, MYSQL_PASSWORD);
  }

  private static String freshName() {
    return "herald_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
