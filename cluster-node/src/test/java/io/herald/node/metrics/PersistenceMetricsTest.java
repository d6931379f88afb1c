package io.herald.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PersistenceMetricsTest {

  // Each test uses an entity type of its own, since the default registry is shared by the JVM.

  @Test
  void eventsPersistedAddsEventsAndObservesOneLatency() {
    PersistenceMetrics.eventsPersisted("EventsTestEntity", 5, 2_000_000);
    PersistenceMetrics.eventsPersisted("EventsTestEntity", 1, 40_000_000);

    assertThat(counter("herald_persistence_events", "EventsTestEntity")).isEqualTo(6.0);
    HistogramSnapshot.HistogramDataPointSnapshot latency =
        histogram("herald_persistence_persist_duration_seconds", "EventsTestEntity");
    assertThat(latency.getCount()).isEqualTo(2);
    assertThat(latency.getSum()).isCloseTo(0.042, offset(1e-9));
  }

  @Test
  void recoveriesAreTimedAndFailuresCounted() {
    PersistenceMetrics.recoveryCompleted("RecoveryTestEntity", 1_500_000_000L);
    PersistenceMetrics.recoveryFailed("RecoveryTestEntity");

    HistogramSnapshot.HistogramDataPointSnapshot recovery =
        histogram("herald_persistence_recovery_duration_seconds", "RecoveryTestEntity");
    assertThat(recovery.getCount()).isEqualTo(1);
    assertThat(recovery.getSum()).isEqualTo(1.5);
    assertThat(counter("herald_persistence_recovery_failures", "RecoveryTestEntity"))
        .isEqualTo(1.0);
  }

  private static double counter(String name, String entityType) {
    return ((CounterSnapshot) metric(name))
        .getDataPoints().stream()
            .filter(p -> p.getLabels().equals(Labels.of("entity_type", entityType)))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
            .sum();
  }

  private static HistogramSnapshot.HistogramDataPointSnapshot histogram(
      String name, String entityType) {
    Optional<HistogramSnapshot.HistogramDataPointSnapshot> point =
        ((HistogramSnapshot) metric(name))
            .getDataPoints().stream().filter(p -> hasEntityType(p, entityType)).findFirst();
    return point.orElseThrow();
  }

  private static boolean hasEntityType(DataPointSnapshot point, String entityType) {
    return point.getLabels().equals(Labels.of("entity_type", entityType));
  }

  private static MetricSnapshot metric(String name) {
    return PrometheusRegistry.defaultRegistry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
