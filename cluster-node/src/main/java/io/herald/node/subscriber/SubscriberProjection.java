package io.herald.node.subscriber;

import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSession;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.Event;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The projection that keeps the subscriber read model ({@code subscribers}, {@code list_members})
 * in step with the subscriber partitions' journal.
 *
 * <p>One instance runs per tag {@code subscribers-<i>}, i in 0 until {@code
 * herald.projections.subscriber-tags}, spread over the nodes with role {@value #ROLE} by a sharded
 * daemon process, so that each tag has exactly one writer in the cluster. Each instance reads its
 * tag in groups ({@code pekko.projection.grouped}) and writes a group and its offset in one
 * transaction: the read model is exactly-once per group and lags the journal by about a group.
 *
 * <p>Events carry no account id; it comes from the persistence id {@code
 * SubscriberPartition|<account>~<partition>}.
 */
public final class SubscriberProjection {

  /** The projection's name in the offset store. */
  public static final String NAME = "subscribers";

  /** Nodes with this role run the projection instances. */
  public static final String ROLE = "worker";

  private static final String TAG_PREFIX = "subscribers-";

  private static final String PERSISTENCE_ID_PREFIX =
      SubscriberProtocol.TYPE_KEY.name() + PersistenceId.DefaultSeparator();

  private SubscriberProjection() {}

  /**
   * Starts the projection instances. Call it once on every node at start, after {@code db} has
   * started (its migrations create the offset tables); instances run once the cluster is up, on
   * nodes with role {@value #ROLE} only.
   */
  public static void init(ActorSystem<?> system, Database db) {
    List<String> tags =
        tags(system.settings().config().getInt("herald.projections.subscriber-tags"));
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "subscriber-projection",
            tags.size(),
            i -> ProjectionBehavior.create(create(system, db, tags.get(i))),
            ShardedDaemonProcessSettings.create(system).withRole(ROLE),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The tags a subscriber partition writes, in order; the same count as the projection reads. */
  public static List<String> tags(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("herald.projections.subscriber-tags must be at least 1");
    }
    return IntStream.range(0, count).mapToObj(i -> TAG_PREFIX + i).toList();
  }

  /** The account of a subscriber partition's persistence id. */
  public static String accountOf(String persistenceId) {
    if (!persistenceId.startsWith(PERSISTENCE_ID_PREFIX)) {
      throw new IllegalArgumentException(
          "not a subscriber partition's persistence id: " + persistenceId);
    }
    return SubscriberKeys.accountOf(persistenceId.substring(PERSISTENCE_ID_PREFIX.length()));
  }

  /** The projection instance of one tag, not yet running. */
  static GroupedProjection<Offset, EventEnvelope<Event>> create(
      ActorSystem<?> system, Database db, String tag) {
    SourceProvider<Offset, EventEnvelope<Event>> events =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    SubscriberRowWriter writer = SubscriberRowWriter.forKind(db.kind());
    return JdbcProjection.<Offset, EventEnvelope<Event>, DatabaseSession>groupedWithin(
        ProjectionId.of(NAME, tag),
        events,
        db::session,
        () -> new SubscriberProjectionHandler(writer),
        system);
  }
}
