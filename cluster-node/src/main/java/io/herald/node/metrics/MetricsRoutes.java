package io.herald.node.metrics;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * Names the {@link MetricsEndpoint} extension to pekko-management, which loads it from {@code
 * pekko.management.http.routes.metrics} when the management server starts.
 *
 * <p>pekko-management instantiates the configured class reflectively with no arguments and then
 * registers the extension that {@link #lookup()} names, so the endpoint (and the sampling it
 * starts) exists once per actor system however often this class is instantiated.
 */
public final class MetricsRoutes extends AbstractExtensionId<MetricsEndpoint>
    implements ExtensionIdProvider {

  /** The one id of the metrics endpoint extension. */
  public static final MetricsRoutes ID = new MetricsRoutes();

  /** For pekko-management's reflective loading; use {@link #ID} elsewhere. */
  public MetricsRoutes() {}

  @Override
  public MetricsRoutes lookup() {
    return ID;
  }

  @Override
  public MetricsEndpoint createExtension(ExtendedActorSystem system) {
    return new MetricsEndpoint(system);
  }
}
