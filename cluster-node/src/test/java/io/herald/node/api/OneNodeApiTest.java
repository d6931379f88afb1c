package io.herald.node.api;

import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node with both roles on in-memory H2 for a whole test class, reached through its HTTP API;
 * every test gets an account of its own with one list, so tests share nothing but the node.
 */
abstract class OneNodeApiTest {

  @TempDir static Path dataDir;

  static HeraldNode node;
  static Api api;

  /** The API key of this test's account. */
  String key;

  /** The id of this test's list. */
  String listId;

  @BeforeAll
  static void startNode() {
    node =
        HeraldNode.start(TestNodes.config(dataDir, TestNodes.memoryH2(), 0, "", "gateway,worker"));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stopAndWait(Duration.ofSeconds(30));
  }

  @BeforeEach
  void openAccount() {
    key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Acme");
    listId = api.createList(key, "Newsletter");
  }
}
