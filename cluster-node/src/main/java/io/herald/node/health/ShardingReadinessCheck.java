package io.herald.node.health;

import io.herald.protocol.AccountProtocol;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.SendBatchProtocol;
import io.herald.protocol.SubscriberProtocol;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness check for pekko-management: the node is {@code Up} in the cluster and, when it has the
 * {@code worker} role, the shard regions of every sharded entity type are initialised here and
 * answer a state query within {@code herald.health.shard-region-timeout}. Registered under {@code
 * pekko.management.health-checks.readiness-checks.sharding}.
 *
 * <p>A gateway-only node is ready once it is {@code Up}: it reaches entities through proxies, which
 * need no initialisation to be checked here. When an entity type is added, add its type key name to
 * {@link #ENTITY_TYPES} so that a worker is not reported ready before it hosts it.
 */
public final class ShardingReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  /** The entity types a worker must host before it takes traffic. */
  static final List<String> ENTITY_TYPES =
      List.of(
          AccountProtocol.TYPE_KEY.name(),
          SubscriberProtocol.TYPE_KEY.name(),
          CampaignProtocol.TYPE_KEY.name(),
          SendBatchProtocol.TYPE_KEY.name(),
          ImportProtocol.TYPE_KEY.name());

  static final String WORKER_ROLE = "worker";

  private static final Logger log = LoggerFactory.getLogger(ShardingReadinessCheck.class);

  private final Cluster cluster;
  private final LocalShardRegions regions;
  private final Duration timeout;

  /** Called by pekko-management, which passes the classic view of the node's actor system. */
  public ShardingReadinessCheck(ActorSystem system) {
    this.regions = new LocalShardRegions(system);
    this.cluster = Cluster.get(Adapter.toTyped(system));
    this.timeout = system.settings().config().getDuration("herald.health.shard-region-timeout");
  }

  @Override
  public CompletionStage<Boolean> get() {
    Member self = cluster.selfMember();
    if (!self.status().equals(MemberStatus.up())) {
      log.debug("Not ready: cluster member status is {}", self.status());
      return CompletableFuture.completedFuture(false);
    }
    if (!self.hasRole(WORKER_ROLE)) {
      return CompletableFuture.completedFuture(true);
    }
    for (String type : ENTITY_TYPES) {
      if (!regions.hosts(type)) {
        log.debug("Not ready: the shard region of {} is not initialised", type);
        return CompletableFuture.completedFuture(false);
      }
    }
    CompletableFuture<?>[] answers =
        ENTITY_TYPES.stream()
            .map(type -> regions.state(type, timeout).toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(answers)
        .thenApply(all -> true)
        .exceptionally(
            failure -> {
              log.debug("Not ready: a shard region did not answer", failure);
              return false;
            });
  }
}
