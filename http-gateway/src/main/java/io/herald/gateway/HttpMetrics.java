package io.herald.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Request counts and latencies of the HTTP API, for Prometheus: {@code herald_http_requests_total}
 * and {@code herald_http_request_duration_seconds}, both labelled by method and status class
 * ({@code 2xx} ... {@code 5xx}). Paths are left out on purpose: ids in them would make one series
 * per resource.
 *
 * <p>Wrap the complete API route once, outermost: {@code HttpMetrics.instrument(routes)}, which
 * records into {@link PrometheusRegistry#defaultRegistry}, the registry that {@code /metrics}
 * serves. Tests use an instance on a registry of their own and {@link #measure}. Latency runs from
 * the request reaching the route to the response being produced, not until a streamed body has been
 * sent. Requests the server answers without running the route (request timeout, malformed requests)
 * are not counted.
 */
public final class HttpMetrics {

  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  // From a cached read (a millisecond) to an entity ask that times out (the ask-timeout, 5 s).
  private static final double[] LATENCY_BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static volatile HttpMetrics onDefaultRegistry;

  private final Counter requests;
  private final Histogram latency;

  /** Registers the HTTP metrics with {@code registry}; once per registry. */
  public HttpMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("herald_http_requests")
            .help("HTTP requests answered by the API, by method and status class")
            .labelNames("method", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("herald_http_request_duration_seconds")
            .help("Time the API took to produce a response, by method and status class")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .labelNames("method", "status")
            .register(registry);
  }

  /**
   * The HTTP metrics in {@link PrometheusRegistry#defaultRegistry}, which {@code /metrics} shows.
   */
  public static HttpMetrics onDefaultRegistry() {
    HttpMetrics metrics = onDefaultRegistry;
    if (metrics == null) {
      synchronized (HttpMetrics.class) {
        metrics = onDefaultRegistry;
        if (metrics == null) {
          metrics = new HttpMetrics(PrometheusRegistry.defaultRegistry);
          onDefaultRegistry = metrics;
        }
      }
    }
    return metrics;
  }

  /** {@code inner}, counted and timed in the default registry; see {@link #measure}. */
  public static Route instrument(Route inner) {
    return onDefaultRegistry().measure(inner);
  }

  /**
   * {@code inner}, counted and timed. Rejections and exceptions that escape {@code inner} are
   * turned into responses here with Pekko's default handlers, so every request is recorded with the
   * status its client sees; map errors inside {@code inner} to keep control of them.
   */
  public Route measure(Route inner) {
    Route sealed = inner.seal();
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String method = methodLabel(request.method().value());
          return mapResponse(
              response -> {
                record(method, response, System.nanoTime() - start);
                return response;
              },
              () -> sealed);
        });
  }

  private void record(String method, HttpResponse response, long nanos) {
    String status = statusClass(response.status().intValue());
    requests.labelValues(method, status).inc();
    latency.labelValues(method, status).observe(Unit.nanosToSeconds(nanos));
  }

  static String methodLabel(String method) {
    return KNOWN_METHODS.contains(method) ? method : "OTHER";
  }

  static String statusClass(int status) {
    return (status >= 100 && status < 600) ? (status / 100) + "xx" : "other";
  }
}
