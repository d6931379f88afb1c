package io.herald.node.health;

import static io.herald.node.testing.SingleNodeCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.testing.SingleNodeCluster;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;

class ReadinessEndpointTest {

  @Test
  void workerBecomesReadyOnlyWhenUpWithStorageAndShardRegions() throws Exception {
    try (SingleNodeCluster node = SingleNodeCluster.start(List.of("gateway", "worker"), "")) {
      assertThat(node.management("/alive").statusCode()).isEqualTo(200);
      assertThat(node.management("/ready").statusCode()).isEqualTo(500);

      node.joinSelfAndAwaitUp();
      assertThat(node.management("/ready").statusCode())
          .as("Up, but storage not ready and no shard regions")
          .isEqualTo(500);

      NodeReadiness.get(node.system()).markStorageReady();
      assertThat(node.management("/ready").statusCode())
          .as("storage ready, shard regions not initialised")
          .isEqualTo(500);

      node.hostInertEntities();
      eventually(
          Duration.ofSeconds(20),
          () -> assertThat(node.management("/ready").statusCode()).isEqualTo(200));
      assertThat(node.management("/alive").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void gatewayOnlyNodeNeedsNoShardRegions() throws Exception {
    try (SingleNodeCluster node = SingleNodeCluster.start(List.of("gateway"), "")) {
      ShardingReadinessCheck sharding =
          new ShardingReadinessCheck(Adapter.toClassic(node.system()));
      StorageReadinessCheck storage = new StorageReadinessCheck(Adapter.toClassic(node.system()));
      assertThat(sharding.get().toCompletableFuture().get()).as("not yet Up").isFalse();

      node.joinSelfAndAwaitUp();
      assertThat(sharding.get().toCompletableFuture().get()).isTrue();
      assertThat(storage.get().toCompletableFuture().get()).isFalse();

      NodeReadiness.get(node.system()).markStorageReady();
      assertThat(storage.get().toCompletableFuture().get()).isTrue();
      eventually(
          Duration.ofSeconds(20),
          () -> assertThat(node.management("/ready").statusCode()).isEqualTo(200));
    }
  }
}
