package io.herald.node.subscriber;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.node.metrics.PersistenceMetrics;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.BulkUpserted;
import io.herald.protocol.SubscriberProtocol.Command;
import io.herald.protocol.SubscriberProtocol.Confirm;
import io.herald.protocol.SubscriberProtocol.Erase;
import io.herald.protocol.SubscriberProtocol.Erased;
import io.herald.protocol.SubscriberProtocol.Event;
import io.herald.protocol.SubscriberProtocol.Flush;
import io.herald.protocol.SubscriberProtocol.Found;
import io.herald.protocol.SubscriberProtocol.Get;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.NotFound;
import io.herald.protocol.SubscriberProtocol.PackedPartitionSnapshot;
import io.herald.protocol.SubscriberProtocol.PartitionSnapshot;
import io.herald.protocol.SubscriberProtocol.RowRefusal;
import io.herald.protocol.SubscriberProtocol.SetStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import io.herald.protocol.SubscriberProtocol.Unsubscribe;
import io.herald.protocol.SubscriberProtocol.Upsert;
import io.herald.protocol.SubscriberProtocol.UpsertMany;
import io.herald.protocol.SubscriberProtocol.Upserted;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A partition of one account's subscribers: the single writer for every subscriber whose id hashes
 * to it (see {@link SubscriberKeys}).
 *
 * <p>The partition groups writes. An upsert is merged at once into a pending set and the partition
 * sends itself a {@link Flush}; every upsert that reaches the mailbox before that Flush joins the
 * same event, and commands that arrive while the event is being written wait (Pekko stashes them)
 * and form the next one. Callers are answered only once their change is in the journal. So one
 * journal write carries as many subscribers as arrived together, up to {@code maxBatch}.
 *
 * <p>An erasure first writes whatever is pending, then records {@link SubscriberErased} and takes a
 * snapshot, so that the newest snapshot no longer holds the person's details.
 */
public final class SubscriberPartition
    extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, SubscriberPartition.State> {

  /**
   * The subscribers a partition holds, by id, packed (see {@link PackedSubscribers}): mutable for
   * speed and size; it never leaves the actor except as the copy {@link #snapshotAdapter()} makes.
   */
  public static final class State {
    private final PackedSubscribers subscribers;

    State(PackedSubscribers subscribers) {
      this.subscribers = subscribers;
    }

    /** The subscriber with this id, or null. */
    public Subscriber get(String id) {
      return subscribers.get(id);
    }

    /** How many subscribers the partition holds. */
    public int size() {
      return subscribers.size();
    }
  }

  private static final int SNAPSHOT_MIN_ROWS = 1000;
  private static final int SNAPSHOT_BACKSTOP_EVENTS = 10_000;

  /** How partitions are configured. */
  public record Settings(int maxBatch, int tags) {}

  /** A caller to answer once the write that carries its change is stored. */
  private record PendingReply<T>(ActorRef<T> replyTo, T reply) {
    void send() {
      replyTo.tell(reply);
    }
  }

  private final ActorContext<Command> context;
  private final String entityId;
  private final String accountId;
  private final Clock clock;
  private final Settings settings;
  private final String tag;
  private final long createdNanos = System.nanoTime();

  /** Subscriber versions written since this partition's last snapshot (counted while running). */
  private long rowsSinceSnapshot;

  /** How many subscribers the partition held at its last snapshot (0 until one is taken here). */
  private int sizeAtSnapshot;

  /**
   * Between 1 and 2, fixed per partition: an import spreads its rows evenly over an account's
   * partitions, and without it they would all copy themselves into snapshots at the same moment.
   */
  private final double snapshotStagger;

  private final LinkedHashMap<String, Subscriber> pending = new LinkedHashMap<>();
  private final List<PendingReply<?>> pendingReplies = new ArrayList<>();

  private SubscriberPartition(
      ActorContext<Command> context, String entityId, Clock clock, Settings settings) {
    super(PersistenceId.of(SubscriberProtocol.TYPE_KEY.name(), entityId));
    this.context = context;
    this.entityId = entityId;
    this.accountId = SubscriberKeys.accountOf(entityId);
    this.clock = clock;
    this.settings = settings;
    this.tag = tagFor(entityId, settings.tags());
    this.snapshotStagger = snapshotStagger(entityId);
  }

  /** Registers the entity with sharding on this node. */
  public static void init(ActorSystem<?> system, Clock clock, Settings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    SubscriberProtocol.TYPE_KEY, ctx -> create(ctx.getEntityId(), clock, settings))
                .withRole("worker"));
  }

  /** The behaviour of one partition. */
  public static Behavior<Command> create(String entityId, Clock clock, Settings settings) {
    return Behaviors.setup(ctx -> new SubscriberPartition(ctx, entityId, clock, settings));
  }

  /** The partition's factor on its snapshot threshold, between 1 and 2. */
  static double snapshotStagger(String entityId) {
    return 1.0 + Math.floorMod(entityId.hashCode(), 16) / 16.0;
  }

  /** The projection tag of a partition: its events are spread over {@code tags} tags. */
  public static String tagFor(String entityId, int tags) {
    return "subscribers-" + Math.floorMod(entityId.hashCode(), tags);
  }

  @Override
  public State emptyState() {
    return new State(new PackedSubscribers());
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Keeps the two newest snapshots. The count is a backstop: snapshots are normally taken by
    // shouldSnapshot, when replaying the events since the last one would cost as much as loading
    // a new one.
    return RetentionCriteria.snapshotEvery(SNAPSHOT_BACKSTOP_EVENTS, 2);
  }

  /**
   * Snapshots after an erasure (so that no snapshot keeps the person), and once the subscribers
   * written since the last snapshot number as many as the partition held then (at least {@value
   * #SNAPSHOT_MIN_ROWS}), times the partition's stagger. A snapshot copies the whole partition, so
   * taking one every so many events would make a growing partition's import cost grow with the
   * square of its size; this keeps it in proportion, and a recovery replays at most about one
   * partition's worth of rows.
   */
  @Override
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    if (event instanceof SubscribersUpserted upserted) {
      rowsSinceSnapshot += upserted.subscribers().size();
    }
    if (event instanceof SubscriberErased
        || rowsSinceSnapshot >= snapshotStagger * Math.max(SNAPSHOT_MIN_ROWS, sizeAtSnapshot)) {
      rowsSinceSnapshot = 0;
      sizeAtSnapshot = state.size();
      return true;
    }
    return false;
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return new PackedPartitionSnapshot(state.subscribers.export());
      }

      @Override
      public State fromJournal(Object from) {
        if (from instanceof PackedPartitionSnapshot snapshot) {
          return new State(PackedSubscribers.load(snapshot.packed()));
        }
        var packed = new PackedSubscribers();
        packed.putAll(((PartitionSnapshot) from).subscribers());
        return new State(packed);
      }
    };
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Upsert.class, this::upsert)
        .onCommand(UpsertMany.class, this::upsertMany)
        .onCommand(Flush.class, (state, cmd) -> flushNow())
        .onCommand(Get.class, this::get)
        .onCommand(Erase.class, this::erase)
        .onCommand(Unsubscribe.class, this::unsubscribe)
        .onCommand(SetStatus.class, this::setStatus)
        .onCommand(Confirm.class, this::confirm)
        .build();
  }

  private ReplyEffect<Event, State> upsert(State state, Upsert cmd) {
    SubscriberInput input = cmd.input();
    String id = idOf(input.email());
    Subscriber before = current(state, id);
    Subscriber after = merge(before, id, input, clock.instant());
    return stage(id, after, new PendingReply<>(cmd.replyTo(), new Upserted(after, before == null)));
  }

  /**
   * Applies every row to the pending set and writes at once: an import's slice is already a batch,
   * so it does not wait for a Flush.
   */
  private ReplyEffect<Event, State> upsertMany(State state, UpsertMany cmd) {
    Instant now = clock.instant();
    int created = 0;
    int updated = 0;
    var refused = new ArrayList<RowRefusal>();
    List<SubscriberInput> inputs = cmd.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      SubscriberInput input = inputs.get(i);
      Optional<EmailAddress> address = EmailAddress.parse(input.email());
      if (address.isEmpty()) {
        refused.add(new RowRefusal(i, "invalid address"));
        continue;
      }
      String id = SubscriberKeys.subscriberId(accountId, address.get());
      Subscriber before = current(state, id);
      Subscriber after =
          switch (cmd.mode()) {
            case SUBSCRIBE -> merge(before, id, input, now);
            case UPDATE ->
                before == null
                    ? null
                    : merge(
                        before,
                        id,
                        new SubscriberInput(
                            input.email(), input.name(), input.attributes(), List.of()),
                        now);
            case BLOCKLIST ->
                (before == null ? addressOnly(id, input.email(), now) : before)
                    .withStatus(SubscriberStatus.BLOCKLISTED, now);
          };
      if (after == null) {
        refused.add(new RowRefusal(i, "no subscriber with this address"));
        continue;
      }
      if (before == null) {
        created++;
      } else {
        updated++;
      }
      pending.put(id, after);
    }
    pendingReplies.add(
        new PendingReply<>(
            cmd.replyTo(), new BulkUpserted(created, updated, List.copyOf(refused))));
    if (pending.isEmpty()) {
      answerPending();
      return Effect().noReply();
    }
    return flushNow();
  }

  private ReplyEffect<Event, State> setStatus(State state, SetStatus cmd) {
    String id = idOf(cmd.email());
    Subscriber before = current(state, id);
    Instant now = clock.instant();
    if (before == null && cmd.status() == SubscriberStatus.ACTIVE) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    Subscriber after =
        (before == null ? addressOnly(id, cmd.email(), now) : before).withStatus(cmd.status(), now);
    if (after == before) {
      return Effect().reply(cmd.replyTo(), new Upserted(before, false));
    }
    if (cmd.status() != SubscriberStatus.ACTIVE) {
      context.getLog().info("Suppressing subscriber {} of {}: {}", id, entityId, cmd.status());
    }
    return stage(id, after, new PendingReply<>(cmd.replyTo(), new Upserted(after, before == null)));
  }

  private ReplyEffect<Event, State> confirm(State state, Confirm cmd) {
    String id = cmd.subscriberId();
    Subscriber before = current(state, id);
    if (before == null) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    Membership membership =
        before.lists().stream()
            .filter(m -> m.listId().equals(cmd.listId()))
            .findFirst()
            .orElse(null);
    if (membership == null) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    if (membership.status() != MembershipStatus.UNCONFIRMED) {
      // Confirming twice, or after leaving the list, changes nothing.
      return Effect().reply(cmd.replyTo(), new Upserted(before, false));
    }
    Instant now = clock.instant();
    var lists = new ArrayList<Membership>(before.lists().size());
    for (Membership m : before.lists()) {
      lists.add(m == membership ? new Membership(m.listId(), MembershipStatus.SUBSCRIBED, now) : m);
    }
    Subscriber after = before.withLists(lists, now);
    return stage(id, after, new PendingReply<>(cmd.replyTo(), new Upserted(after, false)));
  }

  /** A record that holds nothing but the address: what a suppression of an unknown person keeps. */
  private static Subscriber addressOnly(String id, String email, Instant now) {
    return new Subscriber(
        id,
        email,
        "",
        JsonNodeFactory.instance.objectNode(),
        SubscriberStatus.ACTIVE,
        now,
        List.of(),
        now,
        now);
  }

  private ReplyEffect<Event, State> unsubscribe(State state, Unsubscribe cmd) {
    String id = cmd.subscriberId();
    Subscriber before = current(state, id);
    if (before == null) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    Instant now = clock.instant();
    var lists = new ArrayList<Membership>(before.lists().size());
    for (Membership m : before.lists()) {
      boolean leaves =
          (cmd.listIds().isEmpty() || cmd.listIds().contains(m.listId()))
              && m.status() != MembershipStatus.UNSUBSCRIBED;
      lists.add(leaves ? new Membership(m.listId(), MembershipStatus.UNSUBSCRIBED, now) : m);
    }
    var after = before.withLists(lists, now);
    if (cmd.listIds().isEmpty()) {
      // Leaving every list is a suppression: later lists and segments must not reach them either.
      after = after.withStatus(SubscriberStatus.UNSUBSCRIBED, now);
    }
    return stage(id, after, new PendingReply<>(cmd.replyTo(), new Upserted(after, false)));
  }

  /**
   * Adds the subscriber's new version to the pending write and waits for it, which starts when the
   * Flush arrives or the batch is full.
   */
  private ReplyEffect<Event, State> stage(String id, Subscriber after, PendingReply<?> reply) {
    boolean wasEmpty = pending.isEmpty();
    pending.put(id, after);
    pendingReplies.add(reply);
    if (pending.size() >= settings.maxBatch()) {
      return flushNow();
    }
    if (wasEmpty) {
      context.getSelf().tell(new Flush());
    }
    return Effect().noReply();
  }

  /** The subscriber as it stands, pending changes included; null when there is none. */
  private Subscriber current(State state, String id) {
    return pending.containsKey(id) ? pending.get(id) : state.get(id);
  }

  private String idOf(String email) {
    var address =
        EmailAddress.parse(email)
            .orElseThrow(() -> new IllegalArgumentException("invalid address reached a partition"));
    return SubscriberKeys.subscriberId(accountId, address);
  }

  private ReplyEffect<Event, State> flushNow() {
    if (pending.isEmpty()) {
      return Effect().noReply();
    }
    return write(List.of()).thenNoReply();
  }

  /**
   * Writes the pending upserts, followed by {@code more}, as one journal write, then answers every
   * caller who was waiting on them.
   */
  private EffectBuilder<Event, State> write(List<Event> more) {
    var events = new ArrayList<Event>(1 + more.size());
    if (!pending.isEmpty()) {
      events.add(new SubscribersUpserted(List.copyOf(pending.values())));
    }
    events.addAll(more);
    var replies = List.copyOf(pendingReplies);
    pending.clear();
    pendingReplies.clear();
    long started = System.nanoTime();
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              PersistenceMetrics.eventsPersisted(
                  SubscriberProtocol.TYPE_KEY.name(), events.size(), System.nanoTime() - started);
              replies.forEach(PendingReply::send);
            });
  }

  private ReplyEffect<Event, State> get(State state, Get cmd) {
    Subscriber subscriber = state.get(cmd.subscriberId());
    return Effect()
        .reply(cmd.replyTo(), subscriber == null ? new NotFound() : new Found(subscriber));
  }

  private ReplyEffect<Event, State> erase(State state, Erase cmd) {
    String id = cmd.subscriberId();
    if (current(state, id) == null) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    context.getLog().info("Erasing subscriber {} of {}", id, entityId);
    return write(List.of(new SubscriberErased(id, clock.instant())))
        .thenReply(cmd.replyTo(), s -> new Erased(id));
  }

  private void answerPending() {
    pendingReplies.forEach(PendingReply::send);
    pendingReplies.clear();
  }

  /** Applies an upsert to what the partition knows of the person (null when they are new). */
  public static Subscriber merge(Subscriber before, String id, SubscriberInput input, Instant now) {
    if (before == null) {
      var lists = new ArrayList<Membership>();
      join(lists, input, now);
      return new Subscriber(
          id,
          input.email(),
          input.name() == null ? "" : input.name(),
          input.attributes() == null ? JsonNodeFactory.instance.objectNode() : input.attributes(),
          SubscriberStatus.ACTIVE,
          now,
          List.copyOf(lists),
          now,
          now);
    }
    ObjectNode attributes = before.attributes();
    if (input.attributes() != null) {
      attributes = before.attributes().deepCopy();
      attributes.setAll(input.attributes());
    }
    var lists = new ArrayList<>(before.lists());
    join(lists, input, now);
    return new Subscriber(
        id,
        before.email(),
        input.name() == null ? before.name() : input.name(),
        attributes,
        before.status(),
        before.statusSince(),
        List.copyOf(lists),
        before.createdAt(),
        now);
  }

  /**
   * Adds the input's lists the person is not on yet: subscribed, or unconfirmed (double opt-in).
   */
  private static void join(List<Membership> lists, SubscriberInput input, Instant now) {
    for (String listId : input.listIds()) {
      joinOne(lists, listId, MembershipStatus.SUBSCRIBED, now);
    }
    if (input.unconfirmedListIds() != null) {
      for (String listId : input.unconfirmedListIds()) {
        joinOne(lists, listId, MembershipStatus.UNCONFIRMED, now);
      }
    }
  }

  private static void joinOne(
      List<Membership> lists, String listId, MembershipStatus status, Instant now) {
    if (lists.stream().noneMatch(m -> m.listId().equals(listId))) {
      lists.add(new Membership(listId, status, now));
    }
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state ->
                PersistenceMetrics.recoveryCompleted(
                    SubscriberProtocol.TYPE_KEY.name(), System.nanoTime() - createdNanos))
        .onSignal(
            RecoveryFailed.class,
            (state, failed) ->
                PersistenceMetrics.recoveryFailed(SubscriberProtocol.TYPE_KEY.name()))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            SubscribersUpserted.class,
            (state, event) -> {
              state.subscribers.putAll(event.subscribers());
              return state;
            })
        .onEvent(
            SubscriberErased.class,
            (state, event) -> {
              state.subscribers.remove(event.subscriberId());
              return state;
            })
        .build();
  }
}
