package io.herald.node.imports;

import io.herald.protocol.CborSerializable;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.ImportProtocol.Checkpoint;
import io.herald.protocol.ImportProtocol.Command;
import io.herald.protocol.ImportProtocol.Event;
import io.herald.protocol.ImportProtocol.Get;
import io.herald.protocol.ImportProtocol.ImportCompleted;
import io.herald.protocol.ImportProtocol.ImportFailed;
import io.herald.protocol.ImportProtocol.ImportProgressed;
import io.herald.protocol.ImportProtocol.ImportSpec;
import io.herald.protocol.ImportProtocol.ImportStarted;
import io.herald.protocol.ImportProtocol.ImportStatus;
import io.herald.protocol.ImportProtocol.NotFound;
import io.herald.protocol.ImportProtocol.Phase;
import io.herald.protocol.ImportProtocol.Resume;
import io.herald.protocol.ImportProtocol.RowError;
import io.herald.protocol.ImportProtocol.Start;
import io.herald.protocol.ImportProtocol.Status;
import io.herald.protocol.ImportProtocol.StreamEnded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
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
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One import of an address-book file into a list.
 *
 * <p>{@link Empty} until {@link Start}; then {@link Running}: a stream on this node reads the file
 * (see {@link ImportRunner}) and sends a {@link Checkpoint} after each chunk, which the job records
 * with the counts and the first rejected rows. Sharding remembers a running job, so after a crash
 * it is started again and resumes after its last checkpoint (the rows of the chunks in flight are
 * applied twice, which upserts make harmless). A file that cannot be read fails the job at once; a
 * failure of the cluster (a partition not answering) is retried after {@code retryAfter}, up to
 * {@code maxAttempts} times in a row. A job that ended is {@link Finished} and only answers.
 */
public final class ImportJob extends EventSourcedBehavior<Command, Event, ImportJob.State> {

  /** How jobs retry. */
  public record Settings(int maxAttempts, Duration retryAfter) {}

  /** A job's state. */
  public sealed interface State extends CborSerializable permits Empty, Running, Finished {}

  /** No import with this id. */
  public record Empty() implements State {}

  /** Reading its file: how far it got. */
  public record Running(
      ImportSpec spec,
      Instant createdAt,
      long rowsRead,
      long lastRow,
      long imported,
      long rejected,
      List<RowError> errors)
      implements State {

    ImportStatus status() {
      return new ImportStatus(
          spec.importId(),
          spec.listId(),
          spec.mode(),
          Phase.RUNNING,
          rowsRead,
          imported,
          rejected,
          errors,
          null,
          createdAt,
          null);
    }
  }

  /** Completed or failed. */
  public record Finished(ImportStatus status) implements State {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Clock clock;
  private final Settings settings;
  private final ImportRunner runner;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  private UniqueKillSwitch running;
  private long streamNumber;
  private int attempts;

  private ImportJob(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String entityId,
      Clock clock,
      Settings settings,
      ImportRunner runner,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(ImportProtocol.TYPE_KEY.name(), entityId));
    this.context = context;
    this.timers = timers;
    this.clock = clock;
    this.settings = settings;
    this.runner = runner;
    this.shard = shard;
  }

  /** Registers the entity with sharding on this node, remembered while it runs. */
  public static void init(
      ActorSystem<?> system, Clock clock, Settings settings, ImportRunner runner) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ImportProtocol.TYPE_KEY,
                    ctx -> create(ctx.getEntityId(), clock, settings, runner, ctx.getShard()))
                .withRole("worker")
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /**
   * The behaviour of one job.
   *
   * @param shard the shard to passivate through once finished; null outside sharding
   */
  public static Behavior<Command> create(
      String entityId,
      Clock clock,
      Settings settings,
      ImportRunner runner,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ImportJob(ctx, timers, entityId, clock, settings, runner, shard)));
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state instanceof Running r) {
                context
                    .getLog()
                    .info(
                        "Import {} resumes after row {} ({} rows read)",
                        r.spec().importId(),
                        r.lastRow(),
                        r.rowsRead());
                startStream(r);
              }
            })
        .onSignal(
            PostStop.instance(),
            state -> {
              // A stream outliving its job (moved to another node, say) would go on writing.
              if (running != null) {
                running.shutdown();
              }
            })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    var b = newCommandHandlerBuilder();
    b.forStateType(Empty.class)
        .onCommand(
            Start.class,
            (s, c) ->
                Effect()
                    .persist(new ImportStarted(c.spec(), clock.instant()))
                    .thenRun(after -> startStream((Running) after))
                    .thenReply(c.replyTo(), after -> new Status(statusOf(after))))
        .onCommand(
            Get.class,
            (s, c) -> {
              // Nothing to remember: stop at once, so that asking for ids keeps no entity alive.
              c.replyTo().tell(new NotFound());
              return Effect().none().thenRun(this::passivate);
            })
        .onAnyCommand(c -> Effect().none());
    b.forStateType(Running.class)
        .onCommand(Start.class, (s, c) -> Effect().reply(c.replyTo(), new Status(s.status())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Status(s.status())))
        .onCommand(Checkpoint.class, this::checkpoint)
        .onCommand(StreamEnded.class, this::streamEnded)
        .onCommand(
            Resume.class,
            (s, c) -> {
              startStream(s);
              return Effect().none();
            });
    b.forStateType(Finished.class)
        .onCommand(Start.class, (s, c) -> Effect().reply(c.replyTo(), new Status(s.status())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Status(s.status())))
        .onAnyCommand(c -> Effect().none());
    return b.build();
  }

  private Effect<Event, State> checkpoint(Running state, Checkpoint c) {
    if (c.rowsRead() <= state.rowsRead()) {
      return Effect().none();
    }
    attempts = 0;
    int room = Math.max(0, ImportProtocol.ERRORS_KEPT - state.errors().size());
    List<RowError> kept = c.errors().size() <= room ? c.errors() : c.errors().subList(0, room);
    return Effect()
        .persist(
            new ImportProgressed(
                c.rowsRead(),
                c.lastRow(),
                c.imported(),
                c.rejected(),
                List.copyOf(kept),
                clock.instant()));
  }

  private Effect<Event, State> streamEnded(Running state, StreamEnded c) {
    if (running == null || c.stream() != streamNumber) {
      return Effect().none();
    }
    running = null;
    String id = state.spec().importId();
    if (c.failure() == null) {
      return Effect()
          .persist(new ImportCompleted(clock.instant()))
          .thenRun(
              after -> {
                context
                    .getLog()
                    .info(
                        "Import {} completed: {} rows, {} imported, {} rejected",
                        id,
                        state.rowsRead(),
                        state.imported(),
                        state.rejected());
                deleteFile(state.spec());
                passivate(after);
              });
    }
    attempts++;
    if (c.fileBroken() || attempts >= settings.maxAttempts()) {
      String reason =
          c.fileBroken()
              ? c.failure()
              : "the import failed " + attempts + " times in a row; last: " + c.failure();
      return Effect()
          .persist(new ImportFailed(reason, clock.instant()))
          .thenRun(
              after -> {
                context.getLog().warn("Import {} failed: {}", id, reason);
                deleteFile(state.spec());
                passivate(after);
              });
    }
    context
        .getLog()
        .warn(
            "Import {} stopped after row {}; retrying in {}: {}",
            id,
            state.lastRow(),
            settings.retryAfter(),
            c.failure());
    timers.startSingleTimer("retry", new Resume(), settings.retryAfter());
    return Effect().none();
  }

  private void startStream(Running state) {
    if (running != null) {
      return;
    }
    ActorRef<Command> self = context.getSelf();
    long stream = ++streamNumber;
    var pair =
        runner
            .run(state.spec(), state.rowsRead(), state.lastRow())
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(self::tell), Keep.both())
            .run(context.getSystem());
    running = pair.first();
    context.pipeToSelf(
        pair.second(),
        (done, failure) -> {
          if (failure == null) {
            return new StreamEnded(stream, null, false);
          }
          Throwable cause = unwrap(failure);
          return new StreamEnded(
              stream, String.valueOf(cause.getMessage()), cause instanceof ImportFileException);
        });
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null
        && (t instanceof java.util.concurrent.CompletionException
            || !(t instanceof ImportFileException)
                && t.getCause() instanceof ImportFileException)) {
      t = t.getCause();
    }
    return t;
  }

  private void deleteFile(ImportSpec spec) {
    try {
      Files.deleteIfExists(Path.of(spec.file()));
    } catch (IOException e) {
      context.getLog().warn("Import {} could not delete its file {}", spec.importId(), spec.file());
    }
  }

  private void passivate(State state) {
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  private static ImportStatus statusOf(State state) {
    if (state instanceof Running r) {
      return r.status();
    }
    return ((Finished) state).status();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var b = newEventHandlerBuilder();
    b.forStateType(Empty.class)
        .onEvent(
            ImportStarted.class, (s, e) -> new Running(e.spec(), e.at(), 0, 0, 0, 0, List.of()));
    b.forStateType(Running.class)
        .onEvent(
            ImportProgressed.class,
            (s, e) -> {
              var errors = new ArrayList<>(s.errors());
              errors.addAll(e.errors());
              return new Running(
                  s.spec(),
                  s.createdAt(),
                  e.rowsRead(),
                  e.lastRow(),
                  s.imported() + e.imported(),
                  s.rejected() + e.rejected(),
                  List.copyOf(errors));
            })
        .onEvent(
            ImportCompleted.class,
            (s, e) -> new Finished(finished(s, Phase.COMPLETED, null, e.at())))
        .onEvent(
            ImportFailed.class,
            (s, e) -> new Finished(finished(s, Phase.FAILED, e.reason(), e.at())));
    return b.build();
  }

  private static ImportStatus finished(Running s, Phase phase, String failure, Instant at) {
    return new ImportStatus(
        s.spec().importId(),
        s.spec().listId(),
        s.spec().mode(),
        phase,
        s.rowsRead(),
        s.imported(),
        s.rejected(),
        s.errors(),
        failure,
        s.createdAt(),
        at);
  }
}
