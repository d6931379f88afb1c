package io.herald.node.account;

import io.herald.protocol.AccountProtocol;
import io.herald.protocol.AccountProtocol.AccountCreated;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.AddApiKey;
import io.herald.protocol.AccountProtocol.ApiKeyAdded;
import io.herald.protocol.AccountProtocol.Authenticate;
import io.herald.protocol.AccountProtocol.Command;
import io.herald.protocol.AccountProtocol.Create;
import io.herald.protocol.AccountProtocol.CreateList;
import io.herald.protocol.AccountProtocol.DeleteSegment;
import io.herald.protocol.AccountProtocol.Event;
import io.herald.protocol.AccountProtocol.Found;
import io.herald.protocol.AccountProtocol.GetSummary;
import io.herald.protocol.AccountProtocol.ListCreated;
import io.herald.protocol.AccountProtocol.ListCreatedEvent;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.AccountProtocol.NotFound;
import io.herald.protocol.AccountProtocol.Refused;
import io.herald.protocol.AccountProtocol.SaveSegment;
import io.herald.protocol.AccountProtocol.Segment;
import io.herald.protocol.AccountProtocol.SegmentCreated;
import io.herald.protocol.AccountProtocol.SegmentDeleted;
import io.herald.protocol.AccountProtocol.SegmentSaved;
import io.herald.protocol.AccountProtocol.SegmentUpdated;
import io.herald.protocol.CborSerializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The tenant. An account starts as {@link Unopened}; {@link AccountProtocol.Create} opens it with
 * its first API key hash and the number of subscriber partitions it will always use. An open
 * account authenticates keys by their hash (the key itself is never stored) and owns its mailing
 * lists and segments (saved subscriber filters, at most {@value #MAX_SEGMENTS}: every authenticated
 * request carries the summary that holds them). Nothing closes an account yet.
 */
public final class AccountEntity
    extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, AccountEntity.State> {

  /** Most segments one account may keep. */
  public static final int MAX_SEGMENTS = 200;

  /** The account's state: not yet opened, or open. */
  public sealed interface State extends CborSerializable permits Unopened, Open {}

  /** Before {@link AccountProtocol.Create}: every command but Create answers NotFound. */
  public record Unopened() implements State {}

  /** An open account. */
  public record Open(
      String id,
      String name,
      List<String> apiKeyHashes,
      int partitions,
      List<MailingList> lists,
      List<Segment> segments,
      java.time.Instant createdAt)
      implements State {

    /** Snapshots taken before segments existed have none. */
    public Open {
      segments = segments == null ? List.of() : segments;
    }

    AccountSummary summary() {
      return new AccountSummary(
          id, name, partitions, List.copyOf(lists), List.copyOf(segments), createdAt);
    }

    Open withLists(List<MailingList> newLists) {
      return new Open(id, name, apiKeyHashes, partitions, newLists, segments, createdAt);
    }

    Open withSegments(List<Segment> newSegments) {
      return new Open(id, name, apiKeyHashes, partitions, lists, newSegments, createdAt);
    }

    boolean acceptsKey(String hash) {
      byte[] given = hash.getBytes(StandardCharsets.US_ASCII);
      boolean match = false;
      for (String known : apiKeyHashes) {
        match |= MessageDigest.isEqual(known.getBytes(StandardCharsets.US_ASCII), given);
      }
      return match;
    }
  }

  private final String accountId;
  private final Clock clock;

  private AccountEntity(String accountId, Clock clock) {
    super(PersistenceId.of(AccountProtocol.TYPE_KEY.name(), accountId));
    this.accountId = accountId;
    this.clock = clock;
  }

  /** Registers the entity with sharding on this node. */
  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(AccountProtocol.TYPE_KEY, ctx -> create(ctx.getEntityId(), clock))
                .withRole("worker"));
  }

  /** The behaviour of one account. */
  public static Behavior<Command> create(String accountId, Clock clock) {
    return new AccountEntity(accountId, clock);
  }

  @Override
  public State emptyState() {
    return new Unopened();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Unopened.class)
        .onCommand(Create.class, this::open)
        .onCommand(Authenticate.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()))
        .onCommand(AddApiKey.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()))
        .onCommand(CreateList.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()))
        .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()))
        .onCommand(SaveSegment.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()))
        .onCommand(DeleteSegment.class, (s, c) -> Effect().reply(c.replyTo(), new NotFound()));
    builder
        .forStateType(Open.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new Refused("account_exists", "account " + accountId + " exists")))
        .onCommand(
            Authenticate.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        s.acceptsKey(c.apiKeyHash()) ? new Found(s.summary()) : new NotFound()))
        .onCommand(AddApiKey.class, this::addKey)
        .onCommand(CreateList.class, this::createList)
        .onCommand(GetSummary.class, (s, c) -> Effect().reply(c.replyTo(), new Found(s.summary())))
        .onCommand(SaveSegment.class, this::saveSegment)
        .onCommand(DeleteSegment.class, this::deleteSegment);
    return builder.build();
  }

  private ReplyEffect<Event, State> open(Unopened state, Create cmd) {
    var event =
        new AccountCreated(
            accountId, cmd.name(), cmd.apiKeyHash(), cmd.partitions(), clock.instant());
    return Effect().persist(event).thenReply(cmd.replyTo(), s -> new Found(((Open) s).summary()));
  }

  private ReplyEffect<Event, State> addKey(Open state, AddApiKey cmd) {
    return Effect()
        .persist(new ApiKeyAdded(cmd.apiKeyHash(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> new Found(((Open) s).summary()));
  }

  private ReplyEffect<Event, State> createList(Open state, CreateList cmd) {
    if (state.lists().stream().anyMatch(l -> l.id().equals(cmd.listId()))) {
      return Effect()
          .reply(cmd.replyTo(), new Refused("list_exists", "list " + cmd.listId() + " exists"));
    }
    var event = new ListCreatedEvent(cmd.listId(), cmd.name(), clock.instant(), cmd.doubleOptIn());
    return Effect()
        .persist(event)
        .thenReply(
            cmd.replyTo(),
            s ->
                new ListCreated(
                    new MailingList(
                        cmd.listId(), cmd.name(), event.createdAt(), event.doubleOptIn())));
  }

  private ReplyEffect<Event, State> saveSegment(Open state, SaveSegment cmd) {
    boolean exists = state.segments().stream().anyMatch(g -> g.id().equals(cmd.segmentId()));
    if (cmd.create() && exists) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new Refused("segment_exists", "segment " + cmd.segmentId() + " exists"));
    }
    if (!cmd.create() && !exists) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    if (cmd.create() && state.segments().size() >= MAX_SEGMENTS) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new Refused(
                  "too_many_segments", "an account keeps at most " + MAX_SEGMENTS + " segments"));
    }
    Event event =
        cmd.create()
            ? new SegmentCreated(cmd.segmentId(), cmd.name(), cmd.filter(), clock.instant())
            : new SegmentUpdated(cmd.segmentId(), cmd.name(), cmd.filter(), clock.instant());
    return Effect()
        .persist(event)
        .thenReply(
            cmd.replyTo(),
            s -> new SegmentSaved(((Open) s).summary().segment(cmd.segmentId()).orElseThrow()));
  }

  private ReplyEffect<Event, State> deleteSegment(Open state, DeleteSegment cmd) {
    if (state.segments().stream().noneMatch(g -> g.id().equals(cmd.segmentId()))) {
      return Effect().reply(cmd.replyTo(), new NotFound());
    }
    return Effect()
        .persist(new SegmentDeleted(cmd.segmentId(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> new Found(((Open) s).summary()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(Unopened.class)
        .onEvent(
            AccountCreated.class,
            (s, e) ->
                new Open(
                    e.id(),
                    e.name(),
                    List.of(e.apiKeyHash()),
                    e.partitions(),
                    List.of(),
                    List.of(),
                    e.createdAt()));
    builder
        .forStateType(Open.class)
        .onEvent(
            ApiKeyAdded.class,
            (s, e) -> {
              var keys = new ArrayList<>(s.apiKeyHashes());
              keys.add(e.apiKeyHash());
              return new Open(
                  s.id(),
                  s.name(),
                  List.copyOf(keys),
                  s.partitions(),
                  s.lists(),
                  s.segments(),
                  s.createdAt());
            })
        .onEvent(
            ListCreatedEvent.class,
            (s, e) -> {
              var lists = new ArrayList<>(s.lists());
              lists.add(new MailingList(e.listId(), e.name(), e.createdAt(), e.doubleOptIn()));
              return s.withLists(List.copyOf(lists));
            })
        .onEvent(
            SegmentCreated.class,
            (s, e) -> {
              var segments = new ArrayList<>(s.segments());
              segments.add(new Segment(e.segmentId(), e.name(), e.filter(), e.at(), e.at()));
              return s.withSegments(List.copyOf(segments));
            })
        .onEvent(
            SegmentUpdated.class,
            (s, e) ->
                s.withSegments(
                    s.segments().stream()
                        .map(
                            g ->
                                g.id().equals(e.segmentId())
                                    ? new Segment(
                                        g.id(), e.name(), e.filter(), g.createdAt(), e.at())
                                    : g)
                        .toList()))
        .onEvent(
            SegmentDeleted.class,
            (s, e) ->
                s.withSegments(
                    s.segments().stream().filter(g -> !g.id().equals(e.segmentId())).toList()));
    return builder.build();
  }
}
