package io.herald.node.management;

import com.typesafe.config.Config;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the node's management endpoint ({@code /alive}, {@code /ready}, {@code /metrics}, {@code
 * /cluster/members}) and, when {@code herald.discovery} is {@code kubernetes}, Cluster Bootstrap,
 * which forms or joins the cluster from the pods that the Kubernetes API lists.
 *
 * <p>{@code Main} calls {@link #start} right after creating the actor system, before joining and
 * before storage is ready, so that probes get answers (not ready) from the first moment. It joins
 * the configured seed nodes only when {@link #formsClusterThroughBootstrap} is false: bootstrap and
 * seed nodes must not both try to join.
 */
public final class NodeManagement {

  /** Value of {@code herald.discovery} that makes the node join through seed nodes. */
  public static final String SEED_NODES = "seed-nodes";

  /** Value of {@code herald.discovery} that makes the node join through Cluster Bootstrap. */
  public static final String KUBERNETES = "kubernetes";

  private static final Logger log = LoggerFactory.getLogger(NodeManagement.class);

  private NodeManagement() {}

  /**
   * Binds the management HTTP server on {@code pekko.management.http} and, for Kubernetes
   * discovery, starts Cluster Bootstrap. Completes with the address the server answers on.
   *
   * @throws IllegalArgumentException when {@code herald.discovery} has an unknown value
   */
  public static CompletionStage<Uri> start(ActorSystem<?> system) {
    boolean bootstrap = formsClusterThroughBootstrap(system.settings().config());
    CompletionStage<Uri> bound = PekkoManagement.get(system).start();
    if (bootstrap) {
      // Bootstrap probes other pods' management endpoints, so it starts after ours is bound.
      bound =
          bound.thenApply(
              uri -> {
                log.info("Forming the cluster through Cluster Bootstrap (Kubernetes API)");
                ClusterBootstrap.get(system).start();
                return uri;
              });
    }
    return bound;
  }

  /**
   * Whether this configuration forms the cluster through Cluster Bootstrap rather than seed nodes.
   *
   * @throws IllegalArgumentException when {@code herald.discovery} has an unknown value
   */
  public static boolean formsClusterThroughBootstrap(Config config) {
    String discovery = config.getString("herald.discovery");
    return switch (discovery) {
      case SEED_NODES -> false;
      case KUBERNETES -> true;
      default ->
          throw new IllegalArgumentException(
              "herald.discovery (HERALD_DISCOVERY) must be "
                  + SEED_NODES
                  + " or "
                  + KUBERNETES
                  + ", not '"
                  + discovery
                  + "'");
    };
  }
}
