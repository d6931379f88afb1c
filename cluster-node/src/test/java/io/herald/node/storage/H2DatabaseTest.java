package io.herald.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DatabaseContract} on embedded H2, and the embedded default's settings. */
class H2DatabaseTest extends DatabaseContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }

  @Override
  protected Set<String> expectedTables() {
    return Set.of(
        "event_journal",
        "event_tag",
        "snapshot",
        "durable_state",
        "pekko_projection_offset_store",
        "pekko_projection_management",
        "subscribers",
        "list_members",
        "flyway_schema_history");
  }

  @Test
  void h2UrlPointsAtTheDataDirectoryAndKeepsTheDatabaseOpenUntilShutdown() {
    String url = Database.h2Url(Path.of("some", "data"));

    String expectedFile = Path.of("some", "data").toAbsolutePath().resolve("herald").toString();
    assertThat(url).startsWith("jdbc:h2:file:" + expectedFile + ";");
    assertThat(url).contains(";DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void theEmbeddedFileDatabaseOpensWithTheH2UrlOptions(@TempDir Path dataDir) {
    DatabaseSettings settings =
        new DatabaseSettings(DatabaseSettings.Kind.H2, Database.h2Url(dataDir), "", "", 2);

    try (Database db = Database.start(settings);
        var connection = db.dataSource().getConnection();
        var statement = connection.createStatement();
        var lobTimeout =
            statement.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'LOB_TIMEOUT'")) {
      assertThat(db.migrationsApplied()).isEqualTo(Migrations.count(DatabaseSettings.Kind.H2));
      // LOBs the journal read are let go after seconds, not the default five minutes.
      assertThat(lobTimeout.next()).isTrue();
      assertThat(lobTimeout.getString(1)).isEqualTo("5000");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    try (Database reopened = Database.start(settings)) {
      assertThat(reopened.migrationsApplied()).isZero();
    }
    assertThat(dataDir.resolve("herald.mv.db")).exists();
  }

  @Test
  void anEmptyUrlMeansTheEmbeddedFileInTheDataDirectory() {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            ConfigFactory.parseString(
                    "herald.db.kind = h2, herald.db.url = \"\", herald.data-dir = \"/var/herald\"")
                .withFallback(ConfigFactory.load()));

    assertThat(settings.kind()).isEqualTo(DatabaseSettings.Kind.H2);
    assertThat(settings.url()).isEqualTo(Database.h2Url(Path.of("/var/herald")));
    assertThat(settings.poolSize()).isEqualTo(8);
  }

  @Test
  void mysqlWithoutAUrlIsRefused() {
    assertThatThrownBy(
            () ->
                DatabaseSettings.fromConfig(
                    ConfigFactory.parseString("herald.db.kind = mysql, herald.db.url = \"\"")
                        .withFallback(ConfigFactory.load())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("herald.db.url");
  }

  @Test
  void theExtensionStartsOnceFromTheSystemConfigAndClosesWithTheSystem() throws Exception {
    try (ScratchDatabase scratch = ScratchDatabase.h2()) {
      Config config =
          ConfigFactory.parseMap(
                  Map.of("herald.db.kind", "h2", "herald.db.url", scratch.settings().url()))
              .withFallback(
                  ConfigFactory.parseString(
                      "pekko.actor.provider = local, pekko.coordinated-shutdown.exit-jvm = off"))
              .withFallback(ConfigFactory.load());
      ActorTestKit kit = ActorTestKit.create("database-extension", config);
      Database db;
      try {
        db = Database.get(kit.system());

        assertThat(Database.get(kit.system())).isSameAs(db);
        assertThat(db.schemaVersion()).isEqualTo(Migrations.latest(DatabaseSettings.Kind.H2));
        try (Connection connection = db.dataSource().getConnection()) {
          assertThat(connection.isValid(1)).isTrue();
        }
      } finally {
        kit.shutdownTestKit();
      }
      assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void settingsNeverShowThePassword() {
    DatabaseSettings settings =
        new DatabaseSettings(
            DatabaseSettings.Kind.MYSQL,
            "jdbc:mysql://db/herald?password=hunter2",
            "herald",
            "hunter2",
            4);

    assertThat(settings.toString()).doesNotContain("hunter2");
  }
}
