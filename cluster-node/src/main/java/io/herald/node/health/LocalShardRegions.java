package io.herald.node.health;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The shard regions that this node hosts, and what they hold. Shared by the sharding readiness
 * check and the sharding metrics so that both agree on what "hosted" means.
 *
 * <p>Only full regions count: a proxy (started on a node without the entity's role) hosts nothing.
 * The typed {@code shardState()} query answers an empty state for a type that was never
 * initialised, which would look like an idle region; {@link #hosts(String)} tells the two apart.
 */
public final class LocalShardRegions {

  private final ActorSystem<?> system;

  /** Regions of the node that runs {@code system}. */
  public LocalShardRegions(ActorSystem<?> system) {
    this.system = system;
  }

  /** Regions of the node that runs the classic {@code system}. */
  public LocalShardRegions(org.apache.pekko.actor.ActorSystem system) {
    this(Adapter.toTyped(system));
  }

  /** Names of the entity types whose region has been initialised on this node. */
  public Set<String> hostedTypeNames() {
    return Set.copyOf(ClusterSharding.get(system).getShardTypeNames());
  }

  /** Whether the region of {@code typeName} has been initialised on this node. */
  public boolean hosts(String typeName) {
    return ClusterSharding.get(system).getShardTypeNames().contains(typeName);
  }

  /**
   * The shards and entities that the region of {@code typeName} holds on this node. Fails with a
   * {@link java.util.concurrent.TimeoutException} when the region does not answer in time.
   */
  public CompletionStage<CurrentShardRegionState> state(String typeName, Duration timeout) {
    EntityTypeKey<Object> key = EntityTypeKey.create(Object.class, typeName);
    return AskPattern.ask(
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system).shardState(),
        replyTo -> new GetShardRegionState(key, replyTo),
        timeout,
        system.scheduler());
  }
}
