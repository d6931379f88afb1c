package io.herald.node.subscriber;

import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.Event;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A stand-in for a subscriber partition in tests: it persists whatever events it is given, under a
 * partition's persistence id and with the tag given, so that the projection reads them as it reads
 * the real entity's.
 */
final class RecordingPartition
    extends EventSourcedBehavior<RecordingPartition.Record, Event, Integer> {

  /** Persist the event, then answer {@link Done}. */
  record Record(Event event, ActorRef<Done> replyTo) {}

  private final String tag;

  RecordingPartition(String entityId, String tag) {
    super(PersistenceId.of(SubscriberProtocol.TYPE_KEY.name(), entityId));
    this.tag = tag;
  }

  @Override
  public Integer emptyState() {
    return 0;
  }

  @Override
  public CommandHandler<Record, Event, Integer> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Record.class,
            (state, record) ->
                Effect().persist(record.event()).thenRun(s -> record.replyTo().tell(Done.done())))
        .build();
  }

  @Override
  public EventHandler<Integer, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((count, event) -> count + 1);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
  }
}
