package io.herald.node.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port: everything in {@link
 * PrometheusRegistry#defaultRegistry} in the Prometheus text format (version 0.0.4), which every
 * Prometheus server accepts. That registry holds the JVM metrics, registered here, the HTTP metrics
 * of the gateway, {@link PersistenceMetrics} and {@link ShardingMetrics}, whose sampling starts
 * with this extension.
 *
 * <p>Registered through {@link MetricsRoutes}; nothing else needs to create it.
 */
public final class MetricsEndpoint implements ManagementRouteProvider {

  private static final ContentType TEXT_FORMAT =
      ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);

  private final PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  MetricsEndpoint(ExtendedActorSystem system) {
    // Registers once per registry however many actor systems a JVM runs (tests run several).
    JvmMetrics.builder().register(registry);
    ShardingMetrics.start(
        Adapter.toTyped(system),
        system.settings().config().getDuration("herald.metrics.sharding-sample-interval"));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() -> complete(scrape())));
  }

  private HttpResponse scrape() {
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
    try {
      writer.write(body, registry.scrape());
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; the signature is the writer's.
      throw new UncheckedIOException(e);
    }
    return HttpResponse.create().withEntity(HttpEntities.create(TEXT_FORMAT, body.toByteArray()));
  }
}
