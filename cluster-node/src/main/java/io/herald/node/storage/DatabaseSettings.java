package io.herald.node.storage;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the read-model database is and how many connections the node may hold to it, read from
 * {@code herald.db}.
 *
 * <p>An empty {@code herald.db.url} with kind {@code h2} means the embedded file under {@code
 * herald.data-dir}, at the URL {@link Database#h2Url} gives; Main writes the same URL into the
 * config so that the journal and the read models open one database.
 *
 * @param poolSize the most connections the pool opens, at least 1
 */
public record DatabaseSettings(Kind kind, String url, String user, String password, int poolSize) {

  /** The vendors Herald runs on; each has its own folder of migrations. */
  public enum Kind {
    /** H2, embedded in the node: one node only. */
    H2("org.h2.Driver"),
    /** MySQL or MariaDB, shared by the nodes of a cluster. */
    MYSQL("com.mysql.cj.jdbc.Driver");

    private final String driverClassName;

    Kind(String driverClassName) {
      this.driverClassName = driverClassName;
    }

    /** The JDBC driver's class. */
    public String driverClassName() {
      return driverClassName;
    }

    /** The classpath folder of this vendor's Flyway migrations. */
    public String migrationLocation() {
      return "classpath:db/migration/" + name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code h2} or {@code mysql}, in any case. */
    public static Kind parse(String text) {
      for (Kind kind : values()) {
        if (kind.name().equalsIgnoreCase(text.strip())) {
          return kind;
        }
      }
      throw new IllegalArgumentException("herald.db.kind must be h2 or mysql, not '" + text + "'");
    }
  }

  /** Checks the values, so that a bad setting fails at start and not at the first query. */
  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("herald.db.pool-size must be at least 1");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  /** Reads {@code herald.db} (and {@code herald.data-dir} for the embedded default). */
  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("herald.db");
    Kind kind = Kind.parse(db.getString("kind"));
    String url = db.getString("url");
    if (url.isBlank()) {
      if (kind != Kind.H2) {
        throw new IllegalArgumentException(
            "herald.db.url (HERALD_DB_URL) is required when herald.db.kind is mysql");
      }
      url = Database.h2Url(Path.of(config.getString("herald.data-dir")));
    }
    return new DatabaseSettings(
        kind, url, db.getString("user"), db.getString("password"), db.getInt("pool-size"));
  }

  /**
   * Leaves the password and the URL's query out (a MySQL URL may carry a password there), so that
   * settings can be logged.
   */
  @Override
  public String toString() {
    int query = url.indexOf('?');
    String shownUrl = query < 0 ? url : url.substring(0, query) + "?...";
    return "DatabaseSettings[kind=" + kind + ", url=" + shownUrl + ", user=" + user + "]";
  }
}
