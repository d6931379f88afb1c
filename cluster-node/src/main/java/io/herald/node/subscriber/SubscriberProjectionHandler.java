package io.herald.node.subscriber;

import io.herald.node.storage.DatabaseSession;
import io.herald.node.subscriber.SubscriberRowWriter.Change;
import io.herald.node.subscriber.SubscriberRowWriter.Erase;
import io.herald.node.subscriber.SubscriberRowWriter.Upsert;
import io.herald.protocol.SubscriberProtocol.Event;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of subscriber events to the read model in the projection's transaction.
 *
 * <p>The group is first folded to the last change of each subscriber: events of one partition
 * arrive in order within a tag, so the last one is how the subscriber stands, and a person imported
 * and then updated within one group costs one row write, not two.
 */
final class SubscriberProjectionHandler
    extends JdbcHandler<List<EventEnvelope<Event>>, DatabaseSession> {

  private static final Logger log = LoggerFactory.getLogger(SubscriberProjectionHandler.class);

  private final SubscriberRowWriter writer;

  SubscriberProjectionHandler(SubscriberRowWriter writer) {
    this.writer = writer;
  }

  @Override
  public void process(DatabaseSession session, List<EventEnvelope<Event>> envelopes)
      throws Exception {
    Map<ChangeKey, Change> latest = new LinkedHashMap<>();
    for (EventEnvelope<Event> envelope : envelopes) {
      String accountId = SubscriberProjection.accountOf(envelope.persistenceId());
      Event event = envelope.event();
      if (event instanceof SubscribersUpserted upserted) {
        for (Subscriber subscriber : upserted.subscribers()) {
          var key = new ChangeKey(accountId, subscriber.id());
          Change before = latest.get(key);
          boolean afterErasure =
              before instanceof Erase || (before instanceof Upsert u && u.afterErasure());
          latest.put(key, new Upsert(accountId, subscriber, afterErasure));
        }
      } else if (event instanceof SubscriberErased erased) {
        latest.put(
            new ChangeKey(accountId, erased.subscriberId()),
            new Erase(accountId, erased.subscriberId()));
      }
    }
    session.withConnection(
        connection -> {
          writer.write(connection, latest.values());
          return null;
        });
    log.debug("Projected {} events as {} subscriber changes", envelopes.size(), latest.size());
  }

  private record ChangeKey(String accountId, String subscriberId) {}
}
