package io.herald.node.metrics;

import io.herald.node.health.LocalShardRegions;
import io.prometheus.metrics.core.metrics.Gauge;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards and entities hosted on this node per entity type, counted every {@code
 * herald.metrics.sharding-sample-interval} by asking each local shard region for its state. A
 * sample rather than live counting, because the regions keep the figures themselves and asking is
 * cheap at that pace; a gauge may lag by one interval.
 */
final class ShardingMetrics {

  private static final Logger log = LoggerFactory.getLogger(ShardingMetrics.class);

  private static final Gauge ENTITIES =
      Gauge.builder()
          .name("herald_sharding_entities")
          .help("Entities running in this node's shard regions, sampled")
          .labelNames("entity_type")
          .register();

  private static final Gauge SHARDS =
      Gauge.builder()
          .name("herald_sharding_shards")
          .help("Shards allocated to this node's shard regions, sampled")
          .labelNames("entity_type")
          .register();

  private ShardingMetrics() {}

  /** Starts sampling; it stops with the actor system's scheduler. */
  static void start(ActorSystem<?> system, Duration interval) {
    LocalShardRegions regions = new LocalShardRegions(system);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            interval, interval, () -> sample(regions, interval), system.executionContext());
  }

  private static void sample(LocalShardRegions regions, Duration timeout) {
    try {
      for (String type : regions.hostedTypeNames()) {
        regions
            .state(type, timeout)
            .whenComplete(
                (state, failure) -> {
                  if (failure != null) {
                    log.debug("No sharding sample of {}", type, failure);
                  } else {
                    record(type, state);
                  }
                });
      }
    } catch (RuntimeException e) {
      // Sampling is best effort: a failure here must not cancel the scheduled task.
      log.debug("No sharding sample", e);
    }
  }

  private static void record(String type, CurrentShardRegionState state) {
    int entities = 0;
    for (ShardState shard : state.getShards()) {
      entities += shard.getEntityIds().size();
    }
    ENTITIES.labelValues(type).set(entities);
    SHARDS.labelValues(type).set(state.getShards().size());
  }
}
