package io.herald.node.campaign;

import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.AudiencePlanned;
import io.herald.protocol.CampaignProtocol.BatchCompleted;
import io.herald.protocol.CampaignProtocol.BatchFinished;
import io.herald.protocol.CampaignProtocol.BatchProgress;
import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.CampaignProtocol.CampaignSummary;
import io.herald.protocol.CampaignProtocol.Cancel;
import io.herald.protocol.CampaignProtocol.Cancelled;
import io.herald.protocol.CampaignProtocol.Command;
import io.herald.protocol.CampaignProtocol.Completed;
import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.CampaignProtocol.ContentOf;
import io.herald.protocol.CampaignProtocol.Counts;
import io.herald.protocol.CampaignProtocol.Create;
import io.herald.protocol.CampaignProtocol.Created;
import io.herald.protocol.CampaignProtocol.Event;
import io.herald.protocol.CampaignProtocol.Get;
import io.herald.protocol.CampaignProtocol.GetContent;
import io.herald.protocol.CampaignProtocol.NotFound;
import io.herald.protocol.CampaignProtocol.Pause;
import io.herald.protocol.CampaignProtocol.Paused;
import io.herald.protocol.CampaignProtocol.Planned;
import io.herald.protocol.CampaignProtocol.PlanningFailed;
import io.herald.protocol.CampaignProtocol.Refused;
import io.herald.protocol.CampaignProtocol.Reply;
import io.herald.protocol.CampaignProtocol.Resume;
import io.herald.protocol.CampaignProtocol.Resumed;
import io.herald.protocol.CampaignProtocol.Send;
import io.herald.protocol.CampaignProtocol.SendingStarted;
import io.herald.protocol.CampaignProtocol.Status;
import io.herald.protocol.CampaignProtocol.Summary;
import io.herald.protocol.CampaignProtocol.Tick;
import io.herald.protocol.CampaignProtocol.Update;
import io.herald.protocol.CampaignProtocol.Updated;
import io.herald.protocol.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A campaign, from draft to its end.
 *
 * <p>{@link Draft} takes edits. {@link Send} moves it to {@link Running}: the audience is planned
 * from the read model into batches, and the campaign keeps a window of batches running as {@link
 * SendBatchProtocol} entities that sharding places on any worker. Each finished batch is recorded;
 * when all are, the campaign is {@link Finished} as completed. Pause stops handing out batches and
 * stops the running ones; resume hands them out again, and each batch continues after the last
 * recipient it recorded. {@link Finished} (completed or cancelled) refuses every change.
 *
 * <p>The entity is remembered by sharding while it sends, so a node that dies takes nothing with
 * it: the campaign restarts elsewhere, and a timer hands out the unfinished batches again (a batch
 * that is already running ignores it).
 */
public final class CampaignEntity
    extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, CampaignEntity.State> {

  /** How campaigns send. */
  public record Settings(int batchSize, int parallelBatches, Duration tickInterval) {}

  /** A campaign's state. */
  public sealed interface State extends CborSerializable permits Empty, Draft, Running, Finished {}

  /** Before {@link Create}. */
  public record Empty() implements State {}

  /** A draft: content that may still change. */
  public record Draft(String id, Content content, Instant createdAt, Instant updatedAt)
      implements State {}

  /**
   * Sending or paused. {@code batches} is empty until the audience is planned; {@code finished}
   * holds the counts of every finished batch by number.
   */
  public record Running(
      String id,
      Content content,
      Instant createdAt,
      Instant startedAt,
      boolean paused,
      boolean planned,
      int recipients,
      List<BatchRange> batches,
      Map<Integer, Counts> finished)
      implements State {

    Running with(boolean paused) {
      return new Running(
          id, content, createdAt, startedAt, paused, planned, recipients, batches, finished);
    }

    int sent() {
      return finished.values().stream().mapToInt(Counts::sent).sum();
    }

    int failed() {
      return finished.values().stream().mapToInt(Counts::failed).sum();
    }
  }

  /** Completed or cancelled: nothing changes any more. */
  public record Finished(
      String id,
      Content content,
      Status status,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      int recipients,
      int batches,
      int sent,
      int failed)
      implements State {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String accountId;
  private final String campaignId;
  private final Clock clock;
  private final Settings settings;
  private final AudiencePlanner planner;
  private final Batches batches;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /** Progress reported by running batches, not persisted: finished batches are. */
  private final Map<Integer, Counts> partial = new HashMap<>();

  private CampaignEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String entityId,
      Clock clock,
      Settings settings,
      AudiencePlanner planner,
      Batches batches,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(CampaignProtocol.TYPE_KEY.name(), entityId));
    this.batches = batches;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    int separator = entityId.lastIndexOf('~');
    this.accountId = entityId.substring(0, separator);
    this.campaignId = entityId.substring(separator + 1);
    this.clock = clock;
    this.settings = settings;
    this.planner = planner;
  }

  /** Registers the entity with sharding on this node, remembered while it runs. */
  public static void init(
      ActorSystem<?> system, Clock clock, Settings settings, AudiencePlanner planner) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    CampaignProtocol.TYPE_KEY,
                    ctx ->
                        create(
                            ctx.getEntityId(),
                            clock,
                            settings,
                            planner,
                            Batches.sharded(ClusterSharding.get(system)),
                            ctx.getShard()))
                .withRole("worker")
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /**
   * The behaviour of one campaign.
   *
   * @param shard the shard to passivate through once finished; null outside sharding
   */
  public static Behavior<Command> create(
      String entityId,
      Clock clock,
      Settings settings,
      AudiencePlanner planner,
      Batches batches,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new CampaignEntity(
                        ctx, timers, entityId, clock, settings, planner, batches, shard)));
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof Running running) {
                startTicking();
                if (!running.planned()) {
                  planAudience(running);
                }
              }
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    emptyCommands(builder);
    draftCommands(builder);
    runningCommands(builder);
    finishedCommands(builder);
    return builder.build();
  }

  private void emptyCommands(CommandHandlerWithReplyBuilder<Command, Event, State> b) {
    b.forStateType(Empty.class)
        .onCommand(
            Create.class,
            (s, c) ->
                Effect()
                    .persist(new Created(campaignId, c.content(), clock.instant()))
                    .thenReply(c.replyTo(), this::summaryOf))
        .onCommand(BatchFinished.class, (s, c) -> Effect().noReply())
        .onCommand(Planned.class, (s, c) -> Effect().noReply())
        .onCommand(PlanningFailed.class, (s, c) -> Effect().noReply())
        .onCommand(BatchProgress.class, (s, c) -> Effect().noReply())
        .onCommand(Tick.class, (s, c) -> Effect().noReply())
        .onAnyCommand(this::notFound);
  }

  private ReplyEffect<Event, State> notFound(State state, Command command) {
    ActorRef<Reply> replyTo = replyToOf(command);
    return replyTo == null ? Effect().noReply() : Effect().reply(replyTo, new NotFound());
  }

  private void draftCommands(CommandHandlerWithReplyBuilder<Command, Event, State> b) {
    b.forStateType(Draft.class)
        .onCommand(Create.class, (s, c) -> refuse(c.replyTo(), "campaign_exists", "exists"))
        .onCommand(
            Update.class,
            (s, c) ->
                Effect()
                    .persist(new Updated(c.content(), clock.instant()))
                    .thenReply(c.replyTo(), this::summaryOf))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), summaryOf(s)))
        .onCommand(
            GetContent.class,
            (s, c) ->
                Effect().reply(c.replyTo(), new ContentOf(campaignId, s.content(), Status.DRAFT)))
        .onCommand(Send.class, this::send)
        .onCommand(Pause.class, (s, c) -> refuse(c.replyTo(), "not_sending", "is a draft"))
        .onCommand(Resume.class, (s, c) -> refuse(c.replyTo(), "not_paused", "is a draft"))
        .onCommand(
            Cancel.class,
            (s, c) ->
                Effect()
                    .persist(new Cancelled(clock.instant()))
                    .thenRun(this::passivateWhenFinished)
                    .thenReply(c.replyTo(), this::summaryOf))
        .onCommand(BatchFinished.class, (s, c) -> Effect().noReply())
        .onCommand(Planned.class, (s, c) -> Effect().noReply())
        .onCommand(PlanningFailed.class, (s, c) -> Effect().noReply())
        .onCommand(BatchProgress.class, (s, c) -> Effect().noReply())
        .onCommand(Tick.class, (s, c) -> Effect().noReply());
  }

  private ReplyEffect<Event, State> send(Draft draft, Send cmd) {
    Content content = draft.content();
    if (content.lists().isEmpty() && content.segments().isEmpty()) {
      return refuse(cmd.replyTo(), "no_audience", "names no list or segment to send to");
    }
    // The filters as they stand now are kept with the campaign: editing or deleting a segment
    // later must not change who a running campaign sends to.
    var filters = new java.util.ArrayList<String>();
    for (String segmentId : content.segments()) {
      String filter = cmd.segmentFilters().get(segmentId);
      if (filter == null) {
        return refuse(
            cmd.replyTo(), "unknown_segment", "names segment " + segmentId + " that is gone");
      }
      filters.add(filter);
    }
    context.getLog().info("Campaign {} of {} starts sending", campaignId, accountId);
    return Effect()
        .persist(new SendingStarted(clock.instant(), List.copyOf(filters)))
        .thenRun(
            s -> {
              startTicking();
              planAudience((Running) s);
            })
        .thenReply(cmd.replyTo(), this::summaryOf);
  }

  private void runningCommands(CommandHandlerWithReplyBuilder<Command, Event, State> b) {
    b.forStateType(Running.class)
        .onCommand(Create.class, (s, c) -> refuse(c.replyTo(), "campaign_exists", "exists"))
        .onCommand(
            Update.class, (s, c) -> refuse(c.replyTo(), "not_a_draft", "is no longer a draft"))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), summaryOf(s)))
        .onCommand(
            GetContent.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new ContentOf(
                            campaignId, s.content(), s.paused() ? Status.PAUSED : Status.SENDING)))
        .onCommand(Send.class, (s, c) -> refuse(c.replyTo(), "already_sent", "is already sending"))
        .onCommand(Pause.class, this::pause)
        .onCommand(Resume.class, this::resume)
        .onCommand(Cancel.class, this::cancel)
        .onCommand(Planned.class, this::planned)
        .onCommand(
            PlanningFailed.class,
            (s, c) -> {
              context
                  .getLog()
                  .warn("Planning campaign {} failed, retrying: {}", campaignId, c.reason());
              return Effect().noReply();
            })
        .onCommand(BatchFinished.class, this::batchFinished)
        .onCommand(
            BatchProgress.class,
            (s, c) -> {
              if (!s.finished().containsKey(c.number())) {
                partial.put(c.number(), new Counts(c.sent(), c.failed()));
              }
              return Effect().noReply();
            })
        .onCommand(
            Tick.class,
            (s, c) -> {
              if (!s.planned()) {
                planAudience(s);
              } else {
                dispatch(s);
              }
              return Effect().noReply();
            });
  }

  private ReplyEffect<Event, State> pause(Running state, Pause cmd) {
    if (state.paused()) {
      return Effect().reply(cmd.replyTo(), summaryOf(state));
    }
    return Effect()
        .persist(new Paused(clock.instant()))
        .thenRun(s -> stopBatches((Running) s, false))
        .thenReply(cmd.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> resume(Running state, Resume cmd) {
    if (!state.paused()) {
      return refuse(cmd.replyTo(), "not_paused", "is not paused");
    }
    return Effect()
        .persist(new Resumed(clock.instant()))
        .thenRun(s -> dispatch((Running) s))
        .thenReply(cmd.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> cancel(Running state, Cancel cmd) {
    return Effect()
        .persist(new Cancelled(clock.instant()))
        .thenRun(
            s -> {
              stopBatches(state, true);
              passivateWhenFinished(s);
            })
        .thenReply(cmd.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> planned(Running state, Planned cmd) {
    if (state.planned()) {
      return Effect().noReply();
    }
    context
        .getLog()
        .info(
            "Campaign {} planned: {} recipients in {} batches",
            campaignId,
            cmd.recipients(),
            cmd.batches().size());
    var planned = new AudiencePlanned(cmd.recipients(), cmd.batches(), clock.instant());
    if (cmd.batches().isEmpty()) {
      return Effect()
          .persist(List.of(planned, new Completed(clock.instant())))
          .thenRun(this::passivateWhenFinished)
          .thenNoReply();
    }
    return Effect().persist(planned).thenRun(s -> dispatch((Running) s)).thenNoReply();
  }

  private ReplyEffect<Event, State> batchFinished(Running state, BatchFinished cmd) {
    partial.remove(cmd.number());
    if (state.finished().containsKey(cmd.number())
        || state.batches().stream().noneMatch(b -> b.number() == cmd.number())) {
      return Effect().noReply();
    }
    var done = new BatchCompleted(cmd.number(), cmd.sent(), cmd.failed(), clock.instant());
    if (state.finished().size() + 1 == state.batches().size()) {
      context.getLog().info("Campaign {} of {} completed", campaignId, accountId);
      return Effect()
          .persist(List.of(done, new Completed(clock.instant())))
          .thenRun(this::passivateWhenFinished)
          .thenNoReply();
    }
    return Effect().persist(done).thenRun(s -> dispatch((Running) s)).thenNoReply();
  }

  private void finishedCommands(CommandHandlerWithReplyBuilder<Command, Event, State> b) {
    b.forStateType(Finished.class)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), summaryOf(s)))
        .onCommand(
            GetContent.class,
            (s, c) ->
                Effect().reply(c.replyTo(), new ContentOf(campaignId, s.content(), s.status())))
        .onCommand(BatchFinished.class, (s, c) -> Effect().noReply())
        .onCommand(Planned.class, (s, c) -> Effect().noReply())
        .onCommand(PlanningFailed.class, (s, c) -> Effect().noReply())
        .onCommand(BatchProgress.class, (s, c) -> Effect().noReply())
        .onCommand(Tick.class, (s, c) -> Effect().noReply())
        .onAnyCommand(
            (s, c) -> {
              ActorRef<Reply> replyTo = replyToOf(c);
              return replyTo == null
                  ? Effect().noReply()
                  : refuse(
                      replyTo,
                      "campaign_finished",
                      "is "
                          + s.status().name().toLowerCase(java.util.Locale.ROOT)
                          + " and cannot change");
            });
  }

  /** Hands out the first unfinished batches, up to the configured window. */
  private void dispatch(Running state) {
    if (state.paused() || !state.planned()) {
      return;
    }
    int started = 0;
    for (BatchRange range : state.batches()) {
      if (started >= settings.parallelBatches()) {
        break;
      }
      if (!state.finished().containsKey(range.number())) {
        batches.run(accountId, campaignId, range);
        started++;
      }
    }
  }

  private void stopBatches(Running state, boolean cancelled) {
    for (BatchRange range : state.batches()) {
      if (!state.finished().containsKey(range.number())) {
        batches.stop(accountId, campaignId, range.number(), cancelled);
      }
    }
  }

  private void planAudience(Running state) {
    context.pipeToSelf(
        planner.plan(
            accountId,
            state.content().lists(),
            state.content().segmentFilters(),
            settings.batchSize()),
        (plan, failure) ->
            failure != null
                ? new PlanningFailed(String.valueOf(failure.getMessage()))
                : new Planned(plan.recipients(), plan.batches()));
  }

  private void startTicking() {
    timers.startTimerWithFixedDelay("tick", new Tick(), settings.tickInterval());
  }

  private void passivateWhenFinished(State state) {
    if (state instanceof Finished) {
      timers.cancel("tick");
      // Remembered entities stop only when passivated; a finished campaign need not run.
      if (shard != null) {
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      }
    }
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Reply> replyTo, String code, String what) {
    return Effect().reply(replyTo, new Refused(code, "campaign " + campaignId + " " + what));
  }

  private static ActorRef<Reply> replyToOf(Command command) {
    if (command instanceof Create c) {
      return c.replyTo();
    } else if (command instanceof Update c) {
      return c.replyTo();
    } else if (command instanceof Get c) {
      return c.replyTo();
    } else if (command instanceof GetContent c) {
      return c.replyTo();
    } else if (command instanceof Send c) {
      return c.replyTo();
    } else if (command instanceof Pause c) {
      return c.replyTo();
    } else if (command instanceof Resume c) {
      return c.replyTo();
    } else if (command instanceof Cancel c) {
      return c.replyTo();
    }
    return null;
  }

  /** The summary of a state, with the progress running batches have reported. */
  Reply summaryOf(State state) {
    if (state instanceof Draft d) {
      return new Summary(
          new CampaignSummary(
              d.id(),
              d.content().name(),
              Status.DRAFT,
              d.content(),
              0,
              0,
              0,
              0,
              0,
              d.createdAt(),
              d.updatedAt(),
              null,
              null));
    }
    if (state instanceof Running r) {
      int sent = r.sent() + partial.values().stream().mapToInt(Counts::sent).sum();
      int failed = r.failed() + partial.values().stream().mapToInt(Counts::failed).sum();
      return new Summary(
          new CampaignSummary(
              r.id(),
              r.content().name(),
              r.paused() ? Status.PAUSED : Status.SENDING,
              r.content(),
              r.recipients(),
              r.batches().size(),
              r.finished().size(),
              sent,
              failed,
              r.createdAt(),
              r.startedAt(),
              r.startedAt(),
              null));
    }
    if (state instanceof Finished f) {
      return new Summary(
          new CampaignSummary(
              f.id(),
              f.content().name(),
              f.status(),
              f.content(),
              f.recipients(),
              f.batches(),
              f.batches(),
              f.sent(),
              f.failed(),
              f.createdAt(),
              f.finishedAt(),
              f.startedAt(),
              f.finishedAt()));
    }
    return new NotFound();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var b = newEventHandlerBuilder();
    b.forStateType(Empty.class)
        .onEvent(Created.class, (s, e) -> new Draft(e.campaignId(), e.content(), e.at(), e.at()));
    b.forStateType(Draft.class)
        .onEvent(Updated.class, (s, e) -> new Draft(s.id(), e.content(), s.createdAt(), e.at()))
        .onEvent(
            SendingStarted.class,
            (s, e) ->
                new Running(
                    s.id(),
                    s.content().withSegmentFilters(e.segmentFilters()),
                    s.createdAt(),
                    e.at(),
                    false,
                    false,
                    0,
                    List.of(),
                    Map.of()))
        .onEvent(
            Cancelled.class,
            (s, e) ->
                new Finished(
                    s.id(),
                    s.content(),
                    Status.CANCELLED,
                    s.createdAt(),
                    null,
                    e.at(),
                    0,
                    0,
                    0,
                    0));
    b.forStateType(Running.class)
        .onEvent(
            AudiencePlanned.class,
            (s, e) ->
                new Running(
                    s.id(),
                    s.content(),
                    s.createdAt(),
                    s.startedAt(),
                    s.paused(),
                    true,
                    e.recipients(),
                    List.copyOf(e.batches()),
                    Map.of()))
        .onEvent(
            BatchCompleted.class,
            (s, e) -> {
              var finished = new TreeMap<>(s.finished());
              finished.put(e.number(), new Counts(e.sent(), e.failed()));
              return new Running(
                  s.id(),
                  s.content(),
                  s.createdAt(),
                  s.startedAt(),
                  s.paused(),
                  s.planned(),
                  s.recipients(),
                  s.batches(),
                  finished);
            })
        .onEvent(Paused.class, (s, e) -> s.with(true))
        .onEvent(Resumed.class, (s, e) -> s.with(false))
        .onEvent(
            Cancelled.class,
            (s, e) ->
                new Finished(
                    s.id(),
                    s.content(),
                    Status.CANCELLED,
                    s.createdAt(),
                    s.startedAt(),
                    e.at(),
                    s.recipients(),
                    s.batches().size(),
                    s.sent(),
                    s.failed()))
        .onEvent(
            Completed.class,
            (s, e) ->
                new Finished(
                    s.id(),
                    s.content(),
                    Status.COMPLETED,
                    s.createdAt(),
                    s.startedAt(),
                    e.at(),
                    s.recipients(),
                    s.batches().size(),
                    s.sent(),
                    s.failed()));
    return b.build();
  }
}
