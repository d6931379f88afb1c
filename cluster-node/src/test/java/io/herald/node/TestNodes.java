package io.herald.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Configurations of nodes started inside tests: random ports, no JVM exit on shutdown. */
public final class TestNodes {

  /** The operator token every test node accepts. */
  public static final String OPERATOR_TOKEN = "test-operator-token-0123456789";

  private TestNodes() {}

  /** A fresh, named in-memory H2 database that lives as long as the JVM. */
  public static String memoryH2() {
    return "jdbc:h2:mem:herald-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
  }

  /** A free TCP port on the loopback interface. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many entities of a type this node hosts now. */
  public static int entitiesOn(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<?> type) {
    org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState state =
        org.apache.pekko.actor.typed.javadsl.AskPattern
            .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState>
                ask(
                    org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system)
                        .shardState(),
                    replyTo ->
                        new org.apache.pekko.cluster.sharding.typed.GetShardRegionState(
                            type, replyTo),
                    java.time.Duration.ofSeconds(5),
                    system.scheduler())
            .toCompletableFuture()
            .join();
    return state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
  }

  /** A single-node (or seeded) configuration over the given database. */
  public static Config config(
      Path dataDir, String dbUrl, int remotePort, String seedNodes, String roles) {
    return config(dataDir, "h2", dbUrl, remotePort, seedNodes, roles, Map.of());
  }

  /** A configuration with any extra overrides. */
  public static Config config(
      Path dataDir,
      String dbKind,
      String dbUrl,
      int remotePort,
      String seedNodes,
      String roles,
      Map<String, Object> extra) {
    var overrides = new HashMap<String, Object>();
    overrides.put("herald.data-dir", dataDir.toString());
    overrides.put("herald.db.kind", dbKind);
    overrides.put("herald.db.url", dbUrl);
    overrides.put("herald.http.host", "127.0.0.1");
    overrides.put("herald.http.port", 0);
    overrides.put("herald.admin-token", OPERATOR_TOKEN);
    overrides.put("herald.seed-nodes", seedNodes);
    overrides.put("herald.roles", roles);
    overrides.put("pekko.management.http.port", freePort());
    overrides.put("pekko.remote.artery.canonical.port", remotePort);
    overrides.put("pekko.coordinated-shutdown.exit-jvm", "off");
    overrides.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    overrides.put("jdbc-read-journal.refresh-interval", "50ms");
    overrides.putAll(extra);
    return NodeConfig.compose(ConfigFactory.defaultApplication(), overrides);
  }
}
