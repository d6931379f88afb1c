package io.herald.node.campaign;

import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.CborSerializable;
import io.herald.protocol.SendBatchProtocol;
import io.herald.protocol.SendBatchProtocol.BatchFinished;
import io.herald.protocol.SendBatchProtocol.BatchStarted;
import io.herald.protocol.SendBatchProtocol.BatchStopped;
import io.herald.protocol.SendBatchProtocol.Command;
import io.herald.protocol.SendBatchProtocol.Event;
import io.herald.protocol.SendBatchProtocol.Progress;
import io.herald.protocol.SendBatchProtocol.ProgressRecorded;
import io.herald.protocol.SendBatchProtocol.Run;
import io.herald.protocol.SendBatchProtocol.Stop;
import io.herald.protocol.SendBatchProtocol.StreamEnded;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One batch of a campaign: delivers its range of recipients and records how far it got.
 *
 * <p>{@link Idle} until the campaign says {@link Run}; then {@link Active}: a delivery stream runs
 * on this node and every few hundred letters (or every second) the batch records the last recipient
 * handed over. If the node dies, sharding restarts the (remembered) batch elsewhere, and it resumes
 * after the last recorded recipient: only letters that were in flight since that record can go out
 * twice. {@link Stop} ends the stream and is recorded, so a paused batch stays paused through
 * restarts. When the range is done the batch is {@link Done}, tells the campaign, and stops; a
 * later {@link Run} only repeats that report.
 */
public final class SendBatchEntity
    extends EventSourcedBehavior<Command, Event, SendBatchEntity.State> {

  /** How batches deliver. */
  public record Settings(int progressEvery, Duration progressInterval, Duration retryAfter) {}

  /** A batch's state. */
  public sealed interface State extends CborSerializable permits Idle, Active, Done {}

  /** Not yet given a range. */
  public record Idle() implements State {}

  /** Delivering, or stopped part way ({@code stopped}). */
  public record Active(BatchRange range, String lastId, int sent, int failed, boolean stopped)
      implements State {}

  /** Every recipient handled. */
  public record Done(BatchRange range, int sent, int failed) implements State {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String accountId;
  private final String campaignId;
  private final int number;
  private final Clock clock;
  private final Settings settings;
  private final BatchDelivery delivery;
  private final Consumer<CampaignProtocol.Command> campaign;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /** The running delivery stream on this node, if any, and its number. */
  private UniqueKillSwitch running;

  private long streamNumber;

  private SendBatchEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String entityId,
      Clock clock,
      Settings settings,
      BatchDelivery delivery,
      Consumer<CampaignProtocol.Command> campaign,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(SendBatchProtocol.TYPE_KEY.name(), entityId));
    this.context = context;
    this.timers = timers;
    String[] parts = entityId.split("~");
    this.accountId = parts[0];
    this.campaignId = parts[1];
    this.number = Integer.parseInt(parts[2]);
    this.clock = clock;
    this.settings = settings;
    this.delivery = delivery;
    this.campaign = campaign;
    this.shard = shard;
  }

  /** Registers the entity with sharding on this node, remembered while it runs. */
  public static void init(
      ActorSystem<?> system, Clock clock, Settings settings, BatchDelivery delivery) {
    var sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
                SendBatchProtocol.TYPE_KEY,
                ctx -> {
                  String[] parts = ctx.getEntityId().split("~");
                  var campaignRef =
                      sharding.entityRefFor(
                          CampaignProtocol.TYPE_KEY, CampaignProtocol.entityId(parts[0], parts[1]));
                  return create(
                      ctx.getEntityId(),
                      clock,
                      settings,
                      delivery,
                      campaignRef::tell,
                      ctx.getShard());
                })
            .withRole("worker")
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /**
   * The behaviour of one batch.
   *
   * @param campaign where reports to the campaign go
   * @param shard the shard to passivate through once done; null outside sharding
   */
  public static Behavior<Command> create(
      String entityId,
      Clock clock,
      Settings settings,
      BatchDelivery delivery,
      Consumer<CampaignProtocol.Command> campaign,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new SendBatchEntity(
                        ctx, timers, entityId, clock, settings, delivery, campaign, shard)));
  }

  @Override
  public State emptyState() {
    return new Idle();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof Active active && !active.stopped()) {
                context
                    .getLog()
                    .info(
                        "Batch {} of campaign {} resumes after {}",
                        number,
                        campaignId,
                        active.lastId());
                startStream(active);
              }
            })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    var b = newCommandHandlerBuilder();
    b.forStateType(Idle.class)
        .onCommand(
            Run.class,
            (s, c) ->
                Effect()
                    .persist(new BatchStarted(c.range(), clock.instant()))
                    .thenRun(after -> startStream((Active) after)))
        .onAnyCommand(c -> Effect().none());
    b.forStateType(Active.class)
        .onCommand(Run.class, this::run)
        .onCommand(Stop.class, this::stop)
        .onCommand(Progress.class, this::progress)
        .onCommand(StreamEnded.class, this::streamEnded);
    b.forStateType(Done.class)
        .onCommand(
            Run.class,
            (s, c) -> {
              campaign.accept(new CampaignProtocol.BatchFinished(number, s.sent(), s.failed()));
              return Effect().none().thenRun(this::passivate);
            })
        .onAnyCommand(c -> Effect().none());
    return b.build();
  }

  private Effect<Event, State> run(Active state, Run cmd) {
    if (running != null) {
      return Effect().none();
    }
    if (state.stopped()) {
      return Effect()
          .persist(new BatchStarted(state.range(), clock.instant()))
          .thenRun(after -> startStream((Active) after));
    }
    startStream(state);
    return Effect().none();
  }

  private Effect<Event, State> stop(Active state, Stop cmd) {
    if (running != null) {
      running.shutdown();
      running = null;
    }
    timers.cancel("retry");
    if (state.stopped() && !cmd.cancelled()) {
      return Effect().none();
    }
    return Effect()
        .persist(new BatchStopped(cmd.cancelled(), clock.instant()))
        .thenRun(
            after -> {
              if (cmd.cancelled()) {
                passivate(after);
              }
            });
  }

  private Effect<Event, State> progress(Active state, Progress cmd) {
    return Effect()
        .persist(new ProgressRecorded(cmd.lastId(), cmd.sent(), cmd.failed(), clock.instant()))
        .thenRun(
            after -> {
              if (after instanceof Active a) {
                campaign.accept(new CampaignProtocol.BatchProgress(number, a.sent(), a.failed()));
              }
            });
  }

  private Effect<Event, State> streamEnded(Active state, StreamEnded cmd) {
    if (running == null || cmd.stream() != streamNumber || state.stopped()) {
      // A stream that was stopped, or an older one than the one now running.
      return Effect().none();
    }
    running = null;
    if (cmd.failure() != null) {
      context
          .getLog()
          .warn(
              "Batch {} of campaign {} failed after {}; retrying in {}: {}",
              number,
              campaignId,
              state.lastId(),
              settings.retryAfter(),
              cmd.failure());
      timers.startSingleTimer("retry", new Run(state.range()), settings.retryAfter());
      return Effect().none();
    }
    return Effect()
        .persist(new BatchFinished(state.sent(), state.failed(), clock.instant()))
        .thenRun(
            after -> {
              campaign.accept(
                  new CampaignProtocol.BatchFinished(number, state.sent(), state.failed()));
              passivate(after);
            });
  }

  private void startStream(Active state) {
    if (running != null) {
      return;
    }
    ActorRef<Command> self = context.getSelf();
    var pair =
        delivery
            .deliver(accountId, campaignId, state.range(), state.lastId())
            .viaMat(KillSwitches.single(), Keep.right())
            .groupedWithin(settings.progressEvery(), settings.progressInterval())
            .map(SendBatchEntity::progressOf)
            .toMat(Sink.foreach(self::tell), Keep.both())
            .run(context.getSystem());
    running = pair.first();
    long stream = ++streamNumber;
    context.pipeToSelf(
        pair.second(),
        (done, failure) ->
            new StreamEnded(stream, failure == null ? null : String.valueOf(failure.getMessage())));
  }

  private static Progress progressOf(List<BatchDelivery.Delivered> group) {
    int sent = 0;
    for (BatchDelivery.Delivered d : group) {
      if (d.sent()) {
        sent++;
      }
    }
    return new Progress(group.get(group.size() - 1).subscriberId(), sent, group.size() - sent);
  }

  private void passivate(State state) {
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var b = newEventHandlerBuilder();
    b.forStateType(Idle.class)
        .onEvent(
            BatchStarted.class, (s, e) -> new Active(e.range(), e.range().afterId(), 0, 0, false));
    b.forStateType(Active.class)
        .onEvent(
            BatchStarted.class,
            (s, e) -> new Active(s.range(), s.lastId(), s.sent(), s.failed(), false))
        .onEvent(
            ProgressRecorded.class,
            (s, e) ->
                new Active(
                    s.range(),
                    e.lastId(),
                    s.sent() + e.sent(),
                    s.failed() + e.failed(),
                    s.stopped()))
        .onEvent(
            BatchStopped.class,
            (s, e) -> new Active(s.range(), s.lastId(), s.sent(), s.failed(), true))
        .onEvent(BatchFinished.class, (s, e) -> new Done(s.range(), e.sent(), e.failed()));
    return b.build();
  }
}
