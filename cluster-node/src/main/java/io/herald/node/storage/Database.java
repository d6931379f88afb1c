package io.herald.node.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection pool to its relational database, with the schema brought up to date.
 *
 * <p>Starting one migrates the schema with Flyway from the vendor's folder ({@code db/migration/h2}
 * or {@code db/migration/mysql}): the journal, snapshot and projection-offset tables of the Pekko
 * plugins and Herald's read models. The journal plugin opens its own pool (Slick) to the same
 * database; this pool serves the projections and the read-model queries.
 *
 * <p>There are two ways to hold one. {@link #get(ActorSystem)} makes it a Pekko extension: created
 * from the system's config on the first call (so the first caller pays for the migrations) and
 * closed by coordinated shutdown just before the actor system terminates, after the projections and
 * the journal have stopped. {@link #start(DatabaseSettings)} gives one whose caller closes it;
 * tests and tools use that.
 */
public final class Database implements Extension, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private static final ExtensionId<Database> ID = new Id();

  /*
   * DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while coordinated
   * shutdown still writes the last offsets. LOCK_TIMEOUT: the journal and several projections
   * write at once, and H2's default of one second turns a short wait into a failed batch.
   * LOB_TIMEOUT: H2 keeps every LOB a query returned (the journal's event and snapshot payloads)
   * referenced from the session for 5 minutes by default, in case the caller reads it later; the
   * journal reads them at once, and while a million-row import was projected 350,000 such
   * references held some 45 MB of the heap. Five seconds is ample.
   */
  private static final String H2_OPTIONS =
      ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;LOB_TIMEOUT=5000";

  private final DatabaseSettings.Kind kind;
  private final HikariDataSource dataSource;
  private final int migrationsApplied;
  private final String schemaVersion;

  private Database(
      DatabaseSettings.Kind kind,
      HikariDataSource dataSource,
      int migrationsApplied,
      String schemaVersion) {
    this.kind = kind;
    this.dataSource = dataSource;
    this.migrationsApplied = migrationsApplied;
    this.schemaVersion = schemaVersion;
  }

  /** The database of this actor system, started from its config on the first call. */
  public static Database get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * The JDBC URL of the embedded H2 database in a data directory: file {@code herald} under its
   * absolute path, with the options a long-running server needs. Main writes it into {@code
   * herald.db.url} so that the journal plugin and this pool open the same file.
   */
  public static String h2Url(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve("herald");
    return "jdbc:h2:file:" + file + H2_OPTIONS;
  }

  /**
   * Opens the pool and migrates the schema; the caller closes the result.
   *
   * @throws org.flywaydb.core.api.FlywayException when a migration fails; the pool is closed
   */
  public static Database start(DatabaseSettings settings) {
    HikariDataSource dataSource = new HikariDataSource(poolConfig(settings));
    try {
      Flyway flyway =
          Flyway.configure()
              .dataSource(dataSource)
              .locations(settings.kind().migrationLocation())
              .failOnMissingLocations(true)
              .load();
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      String version = current == null ? "none" : current.getVersion().getVersion();
      log.info(
          "Database ready: {}, schema version {}, {} migrations applied",
          settings,
          version,
          result.migrationsExecuted);
      return new Database(settings.kind(), dataSource, result.migrationsExecuted, version);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  private static HikariConfig poolConfig(DatabaseSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("herald-db");
    config.setDriverClassName(settings.kind().driverClassName());
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    // Under MySQL's default REPEATABLE READ, deleting a subscriber's memberships before
    // inserting them takes gap locks, and projections over different tags then deadlock each
    // other. Read-model writers only need committed data, on both vendors.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    if (settings.kind() == DatabaseSettings.Kind.MYSQL) {
      // Lets Connector/J send a JDBC batch of inserts as one multi-row statement.
      config.addDataSourceProperty("rewriteBatchedStatements", "true");
      // Server-side statements, kept per connection: values go in the binary protocol instead of
      // being measured, escaped and spliced into the SQL text on the client (see MultiRowInsert).
      config.addDataSourceProperty("useServerPrepStmts", "true");
      config.addDataSourceProperty("cachePrepStmts", "true");
      config.addDataSourceProperty("prepStmtCacheSize", "100");
      config.addDataSourceProperty("prepStmtCacheSqlLimit", "16384");
    }
    return config;
  }

  /** Which vendor this is, for code that must choose its SQL dialect. */
  public DatabaseSettings.Kind kind() {
    return kind;
  }

  /** The pool; connections start in auto-commit mode. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** A new projection session on this pool; it takes a connection only when first used. */
  public DatabaseSession session() {
    return new DatabaseSession(dataSource);
  }

  /** How many migrations this start applied: 0 when the schema was already current. */
  public int migrationsApplied() {
    return migrationsApplied;
  }

  /** The schema version after the migrations, such as {@code "2"}. */
  public String schemaVersion() {
    return schemaVersion;
  }

  /** Closes the pool; idempotent. */
  @Override
  public void close() {
    if (!dataSource.isClosed()) {
      dataSource.close();
      log.info("Database pool closed");
    }
  }

  private static final class Id extends ExtensionId<Database> {
    @Override
    public Database createExtension(ActorSystem<?> system) {
      Database database = start(DatabaseSettings.fromConfig(system.settings().config()));
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "close-herald-database",
              () -> {
                database.close();
                return CompletableFuture.completedFuture(Done.done());
              });
      return database;
    }
  }
}
