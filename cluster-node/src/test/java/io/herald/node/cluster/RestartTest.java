package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.node.storage.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node restarted on the same embedded database keeps every account, list and subscriber. */
class RestartTest {

  @TempDir Path dataDir;

  @Test
  void everythingSurvivesARestart() throws Exception {
    var config =
        TestNodes.config(dataDir, "h2", Database.h2Url(dataDir), 0, "", "gateway,worker", Map.of());

    HeraldNode node = HeraldNode.start(config);
    Api api = new Api(node.httpAddress());
    String key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Durable");
    String listId = api.createList(key, "Kept");
    var created =
        api.post(
            "/api/v1/subscribers",
            key,
            "{\"email\":\"kept@example.com\",\"name\":\"Kept\",\"lists\":[\"" + listId + "\"]}");
    String id = created.body().get("id").asText();
    Eventually.within(
        Duration.ofSeconds(15),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().get("items"))
                .hasSize(1));
    node.stopAndWait(Duration.ofSeconds(30));

    HeraldNode again = HeraldNode.start(config);
    try {
      Api after = new Api(again.httpAddress());
      var subscriber = after.get("/api/v1/subscribers/" + id, key);
      assertThat(subscriber.status()).isEqualTo(200);
      assertThat(subscriber.body()).isEqualTo(created.body());
      assertThat(after.get("/api/v1/lists/" + listId, key).body().get("name").asText())
          .isEqualTo("Kept");
      assertThat(after.get("/api/v1/lists/" + listId + "/subscribers", key).body().get("items"))
          .hasSize(1);
    } finally {
      again.stopAndWait(Duration.ofSeconds(30));
    }
  }
}
