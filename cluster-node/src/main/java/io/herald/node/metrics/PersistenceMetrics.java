package io.herald.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Persistence figures of event-sourced entities: events persisted and how long persisting took,
 * recoveries and how long they took, recoveries that failed. Labelled by entity type only (the
 * sharding type key name, e.g. {@code Account}), never by entity id, so the series stay few.
 *
 * <p>Entities call the static methods directly. The figures live in {@link
 * PrometheusRegistry#defaultRegistry}: a node is one JVM, the JVM metrics live there as well, and a
 * static entry point spares every behaviour a registry parameter. {@code /metrics} on the
 * management port ({@link MetricsRoutes}) exposes that registry.
 *
 * <p>How an entity measures: take {@code System.nanoTime()} when the command arrives and, in {@code
 * Effect().persist(events).thenRun(...)}, call {@link #eventsPersisted}; take it when the behaviour
 * is set up and call {@link #recoveryCompleted} from the {@code RecoveryCompleted} signal, {@link
 * #recoveryFailed} from {@code RecoveryFailed}.
 */
public final class PersistenceMetrics {

  private static final String TYPE = "entity_type";

  // Persisting one batch to the journal takes milliseconds; recoveries replay events and may
  // take seconds for a large entity, hence the longer tail.
  private static final double[] PERSIST_BOUNDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };
  private static final double[] RECOVERY_BOUNDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private static final Counter EVENTS =
      Counter.builder()
          .name("herald_persistence_events")
          .help("Events written to the journal")
          .labelNames(TYPE)
          .register();

  private static final Histogram PERSIST_SECONDS =
      Histogram.builder()
          .name("herald_persistence_persist_duration_seconds")
          .help("Time from receiving a command to its events being stored")
          .unit(Unit.SECONDS)
          .classicOnly()
          .classicUpperBounds(PERSIST_BOUNDS)
          .labelNames(TYPE)
          .register();

  private static final Histogram RECOVERY_SECONDS =
      Histogram.builder()
          .name("herald_persistence_recovery_duration_seconds")
          .help("Time an entity took to recover its state from snapshot and events")
          .unit(Unit.SECONDS)
          .classicOnly()
          .classicUpperBounds(RECOVERY_BOUNDS)
          .labelNames(TYPE)
          .register();

  private static final Counter RECOVERY_FAILURES =
      Counter.builder()
          .name("herald_persistence_recovery_failures")
          .help("Entity recoveries that failed")
          .labelNames(TYPE)
          .register();

  private PersistenceMetrics() {}

  /**
   * Records one successful persist of {@code events} events that took {@code nanos} nanoseconds
   * from the command's arrival.
   */
  public static void eventsPersisted(String entityType, int events, long nanos) {
    EVENTS.labelValues(entityType).inc(events);
    PERSIST_SECONDS.labelValues(entityType).observe(Unit.nanosToSeconds(nanos));
  }

  /** Records a completed recovery (a started entity) that took {@code nanos} nanoseconds. */
  public static void recoveryCompleted(String entityType, long nanos) {
    RECOVERY_SECONDS.labelValues(entityType).observe(Unit.nanosToSeconds(nanos));
  }

  /** Records a recovery that failed; the entity stops, and its next message starts it again. */
  public static void recoveryFailed(String entityType) {
    RECOVERY_FAILURES.labelValues(entityType).inc();
  }
}
