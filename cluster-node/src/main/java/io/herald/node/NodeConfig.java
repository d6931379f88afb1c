package io.herald.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.herald.node.storage.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a node's full configuration: the application layers (application.conf, or the file named
 * by {@code -Dconfig.resource}), then the database layer chosen by {@code herald.db.kind}, then the
 * values only known at start: the database URL, seed nodes and roles.
 */
public final class NodeConfig {

  /** The database kinds Herald speaks. */
  public static final List<String> DB_KINDS = List.of("h2", "mysql");

  private NodeConfig() {}

  /** The configuration of a node started from the command line. */
  public static Config load() {
    return compose(ConfigFactory.defaultApplication(), Map.of());
  }

  /**
   * Composes the full configuration from application layers and explicit overrides (tests pass
   * their own values this way).
   */
  public static Config compose(Config application, Map<String, Object> overrides) {
    Config given = ConfigFactory.parseMap(overrides).withFallback(application);
    Config first = ConfigFactory.load(given);
    Config herald = first.getConfig("herald");

    String kind = herald.getString("db.kind").toLowerCase(Locale.ROOT);
    if (!DB_KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "HERALD_DB must be one of " + DB_KINDS + ", not '" + herald.getString("db.kind") + "'");
    }
    Path dataDir = Path.of(herald.getString("data-dir")).toAbsolutePath().normalize();
    String url = herald.getString("db.url");
    if (url.isBlank()) {
      if (kind.equals("mysql")) {
        throw new IllegalArgumentException("HERALD_DB=mysql needs HERALD_DB_URL");
      }
      url = Database.h2Url(dataDir);
    }
    List<String> roles = split(herald.getString("roles"));
    for (String role : roles) {
      if (!role.equals("gateway") && !role.equals("worker")) {
        throw new IllegalArgumentException("unknown role '" + role + "'; use gateway and worker");
      }
    }

    Config runtime =
        ConfigFactory.empty()
            .withValue("herald.db.kind", ConfigValueFactory.fromAnyRef(kind))
            .withValue("herald.db.url", ConfigValueFactory.fromAnyRef(url))
            .withValue("herald.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()))
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
    List<String> seeds = seedNodes(first);
    if (!seeds.isEmpty()) {
      runtime =
          runtime.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }
    Config layered =
        runtime
            .withFallback(given)
            .withFallback(ConfigFactory.parseResources("herald-" + kind + ".conf"));
    return ConfigFactory.load(layered);
  }

  /** Seed node addresses from HERALD_SEED_NODES (host:port, comma-separated), if set. */
  private static List<String> seedNodes(Config config) {
    String raw = config.hasPath("herald.seed-nodes") ? config.getString("herald.seed-nodes") : "";
    var out = new ArrayList<String>();
    for (String hostPort : split(raw)) {
      out.add(hostPort.startsWith("pekko://") ? hostPort : "pekko://herald@" + hostPort);
    }
    return out;
  }

  private static List<String> split(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
