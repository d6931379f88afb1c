package io.herald.node.health;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node knows about its own readiness that the cluster cannot tell: whether its storage
 * (connection pools and schema migrations) is usable. {@code Main} marks storage ready once the
 * migrations have succeeded; {@link StorageReadinessCheck} reads the mark for {@code /ready}.
 *
 * <p>The mark only ever goes from not ready to ready. A database that fails later shows up as
 * failed commands and persistence restarts rather than as a node leaving the load balancer, which
 * would not help: every node shares the same database.
 */
public final class NodeReadiness implements Extension {

  private static final Logger log = LoggerFactory.getLogger(NodeReadiness.class);
  private static final Id ID = new Id();

  private final AtomicBoolean storageReady = new AtomicBoolean();

  private NodeReadiness() {}

  /** The readiness of the node that runs {@code system} (typed or classic). */
  public static NodeReadiness get(ClassicActorSystemProvider system) {
    return ID.get(system);
  }

  /** Records that storage is usable: the schema is migrated and the journal can be reached. */
  public void markStorageReady() {
    if (storageReady.compareAndSet(false, true)) {
      log.info("Storage is ready");
    }
  }

  /** Whether {@link #markStorageReady()} has been called. */
  public boolean isStorageReady() {
    return storageReady.get();
  }

  private static final class Id extends AbstractExtensionId<NodeReadiness> {
    @Override
    public NodeReadiness createExtension(ExtendedActorSystem system) {
      return new NodeReadiness();
    }
  }
}
