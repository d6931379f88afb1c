package io.herald.node.metrics;

import static io.herald.node.testing.SingleNodeCluster.eventually;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.gateway.HttpMetrics;
import io.herald.node.testing.SingleNodeCluster;
import io.herald.protocol.AccountProtocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManagementEndpointsTest {

  private static SingleNodeCluster node;

  @BeforeAll
  static void startWorker() throws Exception {
    node =
        SingleNodeCluster.start(
            List.of("gateway", "worker"), "herald.metrics.sharding-sample-interval = 200ms");
    node.joinSelfAndAwaitUp();
    node.hostInertEntities();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void metricsAreInPrometheusTextFormat() throws Exception {
    HttpResponse<String> metrics = node.management("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain").contains("0.0.4"));
    assertThat(metrics.body())
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("jvm_threads_current ");
  }

  @Test
  void metricsIncludeTheGatewaysRequests() throws Exception {
    Route api = path("hello", () -> get(() -> complete("hi")));
    ServerBinding binding =
        Http.get(node.system())
            .newServerAt("127.0.0.1", 0)
            .bind(HttpMetrics.instrument(api))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      URI hello = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/hello");
      int status =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(hello).build(), BodyHandlers.discarding())
              .statusCode();
      assertThat(status).isEqualTo(200);

      assertThat(node.management("/metrics").body())
          .contains("# TYPE herald_http_requests_total counter")
          .containsPattern("herald_http_requests_total\\{method=\"GET\",status=\"2xx\"} [1-9]")
          .contains("herald_http_request_duration_seconds_count{method=\"GET\",status=\"2xx\"}");
    } finally {
      binding.unbind();
    }
  }

  @Test
  void metricsCountEntitiesHostedOnThisNode() {
    ClusterSharding sharding = ClusterSharding.get(node.system());
    for (String id : List.of("a-1", "a-2", "a-3")) {
      sharding
          .entityRefFor(AccountProtocol.TYPE_KEY, id)
          .tell(new AccountProtocol.GetSummary(node.system().ignoreRef()));
    }

    eventually(
        Duration.ofSeconds(20),
        () ->
            assertThat(node.management("/metrics").body())
                .contains("herald_sharding_entities{entity_type=\"Account\"} 3.0")
                .contains("herald_sharding_entities{entity_type=\"SubscriberPartition\"} 0.0"));
  }

  @Test
  void metricsShowPersistenceFigures() throws Exception {
    PersistenceMetrics.eventsPersisted("EndpointTestEntity", 4, 3_000_000);
    PersistenceMetrics.recoveryCompleted("EndpointTestEntity", 20_000_000);

    assertThat(node.management("/metrics").body())
        .contains("herald_persistence_events_total{entity_type=\"EndpointTestEntity\"} 4.0")
        .contains(
            "herald_persistence_persist_duration_seconds_count"
                + "{entity_type=\"EndpointTestEntity\"} 1")
        .contains(
            "herald_persistence_recovery_duration_seconds_count"
                + "{entity_type=\"EndpointTestEntity\"} 1");
  }

  @Test
  void clusterMembersListThisNode() throws Exception {
    String self = Cluster.get(node.system()).selfMember().address().toString();

    HttpResponse<String> members = node.management("/cluster/members");

    assertThat(members.statusCode()).isEqualTo(200);
    assertThat(members.body()).contains("\"selfNode\":\"" + self + "\"").contains("\"Up\"");
  }

  @Test
  void aliveAndReadyAnswer() throws Exception {
    assertThat(node.management("/alive").statusCode()).isEqualTo(200);
    // Storage was never marked ready in this test class.
    assertThat(node.management("/ready").statusCode()).isEqualTo(500);
  }
}
