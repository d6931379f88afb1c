package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.protocol.SubscriberProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in one JVM over one database: subscriber partitions spread over both, and the API keeps
 * answering for every subscriber after one node leaves.
 */
class TwoNodeClusterTest {

  @TempDir Path dataDir;

  private final List<HeraldNode> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws Exception {
    for (HeraldNode node : nodes) {
      node.stopAndWait(Duration.ofSeconds(30));
    }
  }

  private static int entitiesOn(ActorSystem<?> system) {
    return TestNodes.entitiesOn(system, SubscriberProtocol.TYPE_KEY);
  }

  @Test
  void partitionsSpreadOverBothNodesAndSurviveOneLeaving() {
    String db = TestNodes.memoryH2();
    int port1 = TestNodes.freePort();
    int port2 = TestNodes.freePort();
    String seeds = "127.0.0.1:" + port1;
    HeraldNode first =
        HeraldNode.start(
            TestNodes.config(dataDir.resolve("one"), db, port1, seeds, "gateway,worker"));
    nodes.add(first);
    HeraldNode second =
        HeraldNode.start(
            TestNodes.config(dataDir.resolve("two"), db, port2, seeds, "gateway,worker"));
    nodes.add(second);
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(Cluster.get(first.system()).state().getMembers())
                .filteredOn(m -> m.status() == MemberStatus.up())
                .hasSize(2));

    Api api = new Api(first.httpAddress());
    Api viaSecond = new Api(second.httpAddress());
    String key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Spread");
    String listId = api.createList(key, "All");
    var ids = new ArrayList<String>();
    for (int i = 0; i < 60; i++) {
      Api through = i % 2 == 0 ? api : viaSecond;
      var reply =
          through.post(
              "/api/v1/subscribers",
              key,
              "{\"email\":\"p" + i + "@example.com\",\"lists\":[\"" + listId + "\"]}");
      assertThat(reply.status()).isEqualTo(201);
      ids.add(reply.body().get("id").asText());
    }

    assertThat(entitiesOn(first.system())).isPositive();
    assertThat(entitiesOn(second.system())).isPositive();

    second.stop().toCompletableFuture().join();
    nodes.remove(second);

    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          for (String id : ids) {
            assertThat(api.get("/api/v1/subscribers/" + id, key).status()).isEqualTo(200);
          }
        });
    assertThat(entitiesOn(first.system())).isGreaterThanOrEqualTo(1);
    var late =
        api.post(
            "/api/v1/subscribers",
            key,
            "{\"email\":\"late@example.com\",\"lists\":[\"" + listId + "\"]}");
    assertThat(late.status()).isEqualTo(201);
  }
}
