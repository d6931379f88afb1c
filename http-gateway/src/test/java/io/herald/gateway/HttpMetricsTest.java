package io.herald.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpMetricsTest {

  private static final PrometheusRegistry registry = new PrometheusRegistry();
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ActorSystem<Void> system;
  private static String base;

  @BeforeAll
  static void bindInstrumentedRoutes() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "http-metrics-test");
    Route api =
        concat(
            path("ok", () -> get(() -> complete("fine"))),
            path("created", () -> complete(StatusCodes.CREATED)),
            path(
                "boom",
                () ->
                    get(
                        () -> {
                          throw new IllegalStateException("a route that fails");
                        })));
    ServerBinding binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new HttpMetrics(registry).measure(api))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void countsRequestsByMethodAndStatusClass() throws Exception {
    double okBefore = requests("GET", "2xx");

    assertThat(call("GET", "/ok")).isEqualTo(200);
    assertThat(call("GET", "/ok")).isEqualTo(200);
    assertThat(call("PUT", "/created")).isEqualTo(201);

    assertThat(requests("GET", "2xx")).isEqualTo(okBefore + 2);
    assertThat(requests("PUT", "2xx")).isEqualTo(1);
  }

  @Test
  void countsRejectionsAndFailuresWithTheStatusTheClientSees() throws Exception {
    assertThat(call("GET", "/no-such-resource")).isEqualTo(404);
    assertThat(call("DELETE", "/ok")).isEqualTo(405);
    assertThat(call("GET", "/boom")).isEqualTo(500);

    assertThat(requests("GET", "4xx")).isGreaterThanOrEqualTo(1);
    assertThat(requests("DELETE", "4xx")).isEqualTo(1);
    assertThat(requests("GET", "5xx")).isEqualTo(1);
  }

  @Test
  void observesLatencyOfEveryCountedRequest() throws Exception {
    assertThat(call("POST", "/created")).isEqualTo(201);
    assertThat(call("POST", "/created")).isEqualTo(201);

    HistogramSnapshot.HistogramDataPointSnapshot point =
        ((HistogramSnapshot) metric("herald_http_request_duration_seconds"))
            .getDataPoints().stream()
                .filter(p -> p.getLabels().equals(Labels.of("method", "POST", "status", "2xx")))
                .findFirst()
                .orElseThrow();
    assertThat(point.getCount()).isEqualTo(2);
    assertThat(point.getSum()).isPositive();
  }

  @Test
  void keepsLabelsBounded() {
    assertThat(HttpMetrics.methodLabel("PROPFIND")).isEqualTo("OTHER");
    assertThat(HttpMetrics.methodLabel("PATCH")).isEqualTo("PATCH");
    assertThat(HttpMetrics.statusClass(503)).isEqualTo("5xx");
    assertThat(HttpMetrics.statusClass(302)).isEqualTo("3xx");
    assertThat(HttpMetrics.statusClass(999)).isEqualTo("other");
  }

  private static int call(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, BodyHandlers.discarding()).statusCode();
  }

  private static double requests(String method, String status) {
    return ((CounterSnapshot) metric("herald_http_requests"))
        .getDataPoints().stream()
            .filter(p -> p.getLabels().equals(Labels.of("method", method, "status", status)))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
            .sum();
  }

  private static MetricSnapshot metric(String name) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
