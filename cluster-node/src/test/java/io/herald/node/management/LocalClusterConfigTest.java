package io.herald.node.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalClusterConfigTest {

  private static final List<String> NODES = List.of("local1.conf", "local2.conf", "local3.conf");

  @Test
  void eachLocalNodeHasPortsAndDataDirectoryOfItsOwn() {
    Set<Object> seen = new HashSet<>();
    for (int n = 1; n <= 3; n++) {
      Config config = ConfigFactory.load("local" + n + ".conf");

      assertThat(config.getInt("herald.http.port")).isEqualTo(8080 + n);
      assertThat(config.getInt("pekko.management.http.port")).isEqualTo(8558 + n);
      assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25520 + n);
      assertThat(seen.add(config.getString("herald.data-dir"))).isTrue();
    }
  }

  @Test
  void localNodesSeedFromTheSameThreeNodesAndShareMysql() {
    for (String node : NODES) {
      Config config = ConfigFactory.load(node);

      assertThat(config.getString("herald.seed-nodes").split(","))
          .containsExactly("127.0.0.1:25521", "127.0.0.1:25522", "127.0.0.1:25523");
      assertThat(config.getString("herald.db.kind")).isEqualTo("mysql");
      assertThat(config.getString("herald.db.url")).contains("/herald");
      assertThat(config.getString("herald.discovery")).isEqualTo(NodeManagement.SEED_NODES);
      // The layers of application.conf are all there underneath.
      assertThat(config.getString("pekko.actor.provider")).isEqualTo("cluster");
      assertThat(config.hasPath("pekko.management.health-checks.readiness-checks.sharding"))
          .isTrue();
    }
  }
}
