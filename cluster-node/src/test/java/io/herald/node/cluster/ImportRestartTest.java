package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.node.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An import that a node stop interrupts goes on after the restart, from its last checkpoint. */
class ImportRestartTest {

  @TempDir Path dataDir;

  @Test
  void anInterruptedImportResumesAfterARestart() throws Exception {
    // Small commands and one chunk at a time, so that the import is still running when the
    // node stops.
    var config =
        TestNodes.config(
            dataDir,
            "h2",
            Database.h2Url(dataDir),
            0,
            "",
            "gateway,worker",
            Map.of("herald.imports.rows-per-command", 2, "herald.imports.chunks-in-flight", 1));
    int rows = 6000;
    StringBuilder csv = new StringBuilder("email,n\n");
    for (int i = 0; i < rows; i++) {
      csv.append("p").append(i).append("@example.com,").append(i).append('\n');
    }

    HeraldNode node = HeraldNode.start(config);
    Api api = new Api(node.httpAddress());
    String key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Durable");
    String listId = api.createList(key, "Kept");
    var started =
        api.post(
            "/api/v1/lists/" + listId + "/imports",
            key,
            "text/csv",
            csv.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(started.status()).isEqualTo(202);
    String id = started.body().get("id").asText();
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(api.get("/api/v1/imports/" + id, key).body().get("rowsTotal").asLong())
                .isGreaterThan(0));
    JsonNode before = api.get("/api/v1/imports/" + id, key).body();
    node.stopAndWait(Duration.ofSeconds(30));
    assertThat(before.get("status").asText())
        .as("the import must still run when the node stops")
        .isEqualTo("running");

    HeraldNode again = HeraldNode.start(config);
    try {
      Api after = new Api(again.httpAddress());
      Eventually.within(
          Duration.ofSeconds(90),
          () ->
              assertThat(after.get("/api/v1/imports/" + id, key).body().get("status").asText())
                  .isEqualTo("completed"));
      JsonNode done = after.get("/api/v1/imports/" + id, key).body();
      assertThat(done.get("rowsTotal").asLong()).isEqualTo(rows);
      assertThat(done.get("rowsImported").asLong()).isEqualTo(rows);
      assertThat(done.get("rowsTotal").asLong()).isGreaterThan(before.get("rowsTotal").asLong());
    } finally {
      again.stopAndWait(Duration.ofSeconds(30));
    }
  }
}
