package io.herald.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.protocol.SendBatchProtocol;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker dies in the middle of a campaign: its batches restart on the surviving node and resume
 * after their last recorded recipient. Everyone gets the letter; duplicates stay within what was in
 * flight on the lost node.
 */
class NodeLossMidSendTest {

  private static final int SMTP_PORT = TestNodes.freePort();
  private static final int RECIPIENTS = 240;
  private static final int BATCH_SIZE = 20;
  private static final int PARALLEL_BATCHES = 4;
  private static final int PROGRESS_EVERY = 10;
  private static final int CONNECTIONS = 2;

  @RegisterExtension
  static GreenMailExtension smtp =
      new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  @TempDir Path dataDir;

  private final List<HeraldNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (HeraldNode node : nodes) {
      node.stopAndWait(Duration.ofSeconds(30));
    }
  }

  private Map<String, Object> settings(boolean crashes) {
    var m = new HashMap<String, Object>();
    m.put("herald.transport.kind", "smtp");
    m.put("herald.transport.smtp.host", "127.0.0.1");
    m.put("herald.transport.smtp.port", SMTP_PORT);
    m.put("herald.transport.smtp.tls", "none");
    m.put("herald.transport.smtp.connections", CONNECTIONS);
    m.put("herald.transport.rate", 40);
    m.put("herald.sending.batch-size", BATCH_SIZE);
    m.put("herald.sending.parallel-batches", PARALLEL_BATCHES);
    m.put("herald.sending.progress-every", PROGRESS_EVERY);
    m.put("herald.sending.tick-interval", "1s");
    m.put("herald.tracking.secret", "a-shared-tracking-secret-of-32-characters-or-more");
    m.put("pekko.cluster.split-brain-resolver.stable-after", "2s");
    m.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", "2s");
    if (crashes) {
      // Terminating the system must not leave the cluster politely: this node dies.
      m.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
      m.put("pekko.cluster.run-coordinated-shutdown-when-down", "off");
    }
    return m;
  }

  @Test
  void batchesOfALostNodeResumeElsewhere() throws Exception {
    String db = TestNodes.memoryH2();
    int port1 = TestNodes.freePort();
    int port2 = port1 + 1;
    String seeds = "127.0.0.1:" + port1;
    HeraldNode survivor =
        HeraldNode.start(
            TestNodes.config(
                dataDir.resolve("a"), "h2", db, port1, seeds, "gateway,worker", settings(false)));
    nodes.add(survivor);
    HeraldNode victim =
        HeraldNode.start(
            TestNodes.config(
                dataDir.resolve("b"), "h2", db, port2, seeds, "worker", settings(true)));
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(Cluster.get(survivor.system()).state().getMembers())
                .filteredOn(m -> m.status() == MemberStatus.up())
                .hasSize(2));

    Api api = new Api(survivor.httpAddress());
    String key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Resilient");
    String listId = api.createList(key, "All");
    for (int i = 0; i < RECIPIENTS; i++) {
      var r =
          api.post(
              "/api/v1/subscribers",
              key,
              "{\"email\":\"r" + i + "@example.com\",\"lists\":[\"" + listId + "\"]}");
      assertThat(r.status()).isEqualTo(201);
    }
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(
                    api.get("/api/v1/lists/" + listId + "/subscribers?limit=1000", key)
                        .body()
                        .get("items"))
                .hasSize(RECIPIENTS));
    String id =
        api.post(
                "/api/v1/campaigns",
                key,
                "{\"name\":\"R\",\"subject\":\"Hi\",\"fromEmail\":\"n@acme.example\",\"html\":\"<p>x</p>\","
                    + "\"lists\":[\""
                    + listId
                    + "\"]}")
            .body()
            .get("id")
            .asText();
    assertThat(api.post("/api/v1/campaigns/" + id + "/send", key, "").status()).isEqualTo(202);

    // Mid-send, while it runs batches, the second node dies without leaving.
    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          assertThat(smtp.getReceivedMessages().length).isGreaterThan(RECIPIENTS / 8);
          assertThat(TestNodes.entitiesOn(victim.system(), SendBatchProtocol.TYPE_KEY))
              .isPositive();
        });
    int beforeCrash = smtp.getReceivedMessages().length;
    victim.system().terminate();

    Eventually.within(
        Duration.ofSeconds(90),
        () ->
            assertThat(api.get("/api/v1/campaigns/" + id, key).body().get("status").asText())
                .isEqualTo("completed"));
    MimeMessage[] received = smtp.getReceivedMessages();
    var addresses = new HashSet<String>();
    for (MimeMessage m : received) {
      addresses.add(((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress());
    }
    int duplicates = received.length - addresses.size();
    // Letters in flight on the lost node: per running batch, those not yet recorded (a progress
    // group) plus those inside the transport and the render stage.
    int bound =
        PARALLEL_BATCHES
            * (PROGRESS_EVERY + CONNECTIONS + Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "node loss: %d letters for %d recipients, %d duplicates (bound %d)%n",
        received.length, RECIPIENTS, duplicates, bound);
    assertThat(beforeCrash).isLessThan(RECIPIENTS);
    assertThat(addresses).hasSize(RECIPIENTS);
    assertThat(duplicates).isLessThanOrEqualTo(bound);
  }
}
