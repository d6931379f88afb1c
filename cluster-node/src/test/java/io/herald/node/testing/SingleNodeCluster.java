package io.herald.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.herald.node.management.NodeManagement;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.SendBatchProtocol;
import io.herald.protocol.SubscriberProtocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * A one-node Herald cluster for tests: the real configuration layers with random ports, the
 * management endpoint started as {@code Main} starts it, and helpers to join, host the entity types
 * (with inert behaviours) and call the management endpoint.
 */
public final class SingleNodeCluster implements AutoCloseable {

  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ActorSystem<Void> system;
  private final String managementBase;

  private SingleNodeCluster(ActorSystem<Void> system, Uri management) {
    this.system = system;
    this.managementBase = "http://127.0.0.1:" + management.port();
  }

  /** Starts the actor system with {@code roles} and its management endpoint; does not join. */
  public static SingleNodeCluster start(List<String> roles, String extraConfig) throws Exception {
    Config config =
        ConfigFactory.parseString(extraConfig)
            .withFallback(
                ConfigFactory.parseString(
                    """
                    pekko.remote.artery.canonical.port = 0
                    pekko.management.http.port = 0
                    pekko.coordinated-shutdown.exit-jvm = off
                    pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                    """))
            .withFallback(ConfigFactory.parseMap(Map.of("pekko.cluster.roles", roles)))
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "herald", config);
    try {
      Uri management = NodeManagement.start(system).toCompletableFuture().get(20, TimeUnit.SECONDS);
      return new SingleNodeCluster(system, management);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Joins the node to itself and waits until it is {@code Up}. */
  public void joinSelfAndAwaitUp() {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    eventually(
        Duration.ofSeconds(20),
        () -> assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up()));
  }

  /** Starts shard regions for the real entity type keys, with behaviours that do nothing. */
  public void hostInertEntities() {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(AccountProtocol.TYPE_KEY, ctx -> Behaviors.empty()));
    sharding.init(Entity.of(SubscriberProtocol.TYPE_KEY, ctx -> Behaviors.empty()));
    sharding.init(Entity.of(CampaignProtocol.TYPE_KEY, ctx -> Behaviors.empty()));
    sharding.init(Entity.of(SendBatchProtocol.TYPE_KEY, ctx -> Behaviors.empty()));
    sharding.init(Entity.of(ImportProtocol.TYPE_KEY, ctx -> Behaviors.empty()));
  }

  /** GET {@code path} on the management endpoint. */
  public HttpResponse<String> management(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(managementBase + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, BodyHandlers.ofString());
  }

  /** Runs {@code assertion} until it passes, failing with its last error after {@code limit}. */
  public static void eventually(Duration limit, ThrowingRunnable assertion) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Still failing after " + limit, e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting", e);
      }
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the node stopped", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("The node did not stop", e);
    }
  }

  /** An assertion that may throw checked exceptions, such as an HTTP call. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
