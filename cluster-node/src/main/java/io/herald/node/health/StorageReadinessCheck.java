package io.herald.node.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness check for pekko-management: ready once {@link NodeReadiness} says storage is ready.
 * Registered under {@code pekko.management.health-checks.readiness-checks.storage}.
 */
public final class StorageReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final NodeReadiness readiness;

  /** Called by pekko-management, which passes the classic view of the node's actor system. */
  public StorageReadinessCheck(ActorSystem system) {
    this.readiness = NodeReadiness.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(readiness.isStorageReady());
  }
}
