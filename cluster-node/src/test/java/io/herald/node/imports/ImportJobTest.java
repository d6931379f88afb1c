package io.herald.node.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.ImportProtocol.Checkpoint;
import io.herald.protocol.ImportProtocol.Command;
import io.herald.protocol.ImportProtocol.Event;
import io.herald.protocol.ImportProtocol.Format;
import io.herald.protocol.ImportProtocol.Get;
import io.herald.protocol.ImportProtocol.ImportCompleted;
import io.herald.protocol.ImportProtocol.ImportFailed;
import io.herald.protocol.ImportProtocol.ImportProgressed;
import io.herald.protocol.ImportProtocol.ImportSpec;
import io.herald.protocol.ImportProtocol.ImportStarted;
import io.herald.protocol.ImportProtocol.NotFound;
import io.herald.protocol.ImportProtocol.Phase;
import io.herald.protocol.ImportProtocol.RowError;
import io.herald.protocol.ImportProtocol.Start;
import io.herald.protocol.ImportProtocol.Status;
import io.herald.protocol.SubscriberProtocol.UpsertMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The import job's replies, events and state, with a stand-in for the file stream. */
class ImportJobTest {

  private static final Instant NOW = Instant.parse("2026-05-06T07:08:09Z");
  private static final long ROWS = 50;
  private static final int CHUNK = 10;

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.load(
              ConfigFactory.parseResources("serialization.conf")
                  .withFallback(EventSourcedBehaviorTestKit.config())));

  private final List<Long> startedAfter = new CopyOnWriteArrayList<>();
  private static int counter;
  private String pid;
  private ImportSpec spec;

  @BeforeEach
  void clear() {
    startedAfter.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  /** Chunks of ten rows after {@code rowsRead}; every row that is a multiple of 7 is rejected. */
  private ImportRunner runner(Duration perChunk, int failFirst, boolean fileBroken) {
    AtomicInteger failures = new AtomicInteger();
    return (s, rowsRead, lastRow) -> {
      startedAfter.add(rowsRead);
      if (failures.getAndIncrement() < failFirst) {
        return Source.failed(
            fileBroken
                ? new ImportFileException("the CSV cannot be read further")
                : new IllegalStateException("partition did not answer"));
      }
      Source<Checkpoint, NotUsed> chunks =
          Source.from(
                  LongStream.iterate(rowsRead + CHUNK, n -> n <= ROWS, n -> n + CHUNK)
                      .boxed()
                      .toList())
              .map(ImportJobTest::chunkEnding);
      return perChunk.isZero() ? chunks : chunks.throttle(1, perChunk);
    };
  }

  private static Checkpoint chunkEnding(long end) {
    List<RowError> errors =
        LongStream.rangeClosed(end - CHUNK + 1, end)
            .filter(r -> r % 7 == 0)
            .mapToObj(r -> new RowError(r + 1, "invalid email address"))
            .toList();
    return new Checkpoint(end, end + 1, CHUNK - errors.size(), errors.size(), errors);
  }

  private EventSourcedBehaviorTestKit<Command, Event, ImportJob.State> job(ImportRunner runner) {
    String entityId = "acc_1~imp_" + (counter++);
    pid = "ImportJob|" + entityId;
    spec =
        new ImportSpec(
            "acc_1",
            "imp_" + counter,
            "lst_1",
            4,
            UpsertMode.SUBSCRIBE,
            Format.CSV,
            "/nonexistent/file",
            null,
            null,
            null);
    var kit =
        EventSourcedBehaviorTestKit.<Command, Event, ImportJob.State>create(
            testKit.system(),
            ImportJob.create(
                entityId,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new ImportJob.Settings(3, Duration.ofMillis(100)),
                runner,
                null));
    kit.clear();
    return kit;
  }

  private List<Event> persisted() {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage(pid).stream()
        .map(e -> (Event) e)
        .toList();
  }

  private ImportJob.Finished awaitFinished(
      EventSourcedBehaviorTestKit<Command, Event, ImportJob.State> kit) {
    TestProbe<ImportProtocol.Reply> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          kit.runCommand(Get::new);
          assertThat(kit.getState()).isInstanceOf(ImportJob.Finished.class);
          return (ImportJob.Finished) kit.getState();
        });
  }

  @Test
  void aJobRecordsItsCheckpointsAndCompletes() {
    var kit = job(runner(Duration.ZERO, 0, false));

    var started = kit.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    assertThat(started.event()).isEqualTo(new ImportStarted(spec, NOW));
    var status = ((Status) started.reply()).status();
    assertThat(status.phase()).isEqualTo(Phase.RUNNING);
    assertThat(status.id()).isEqualTo(spec.importId());

    var finished = awaitFinished(kit).status();
    assertThat(finished.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(finished.rowsTotal()).isEqualTo(ROWS);
    assertThat(finished.rowsRejected()).isEqualTo(7);
    assertThat(finished.rowsImported()).isEqualTo(43);
    assertThat(finished.errors())
        .extracting(RowError::row)
        .containsExactly(8L, 15L, 22L, 29L, 36L, 43L, 50L);
    assertThat(finished.finishedAt()).isEqualTo(NOW);

    var events = persisted();
    assertThat(events.get(0)).isEqualTo(new ImportStarted(spec, NOW));
    assertThat(events.subList(1, 6))
        .allSatisfy(e -> assertThat(e).isInstanceOf(ImportProgressed.class));
    assertThat(events.get(1))
        .isEqualTo(
            new ImportProgressed(
                10, 11, 9, 1, List.of(new RowError(8, "invalid email address")), NOW));
    assertThat(events.get(events.size() - 1)).isEqualTo(new ImportCompleted(NOW));
    assertThat(startedAfter).containsExactly(0L);
  }

  @Test
  void startingAgainOnlyAnswersTheStatus() {
    var kit = job(runner(Duration.ZERO, 0, false));
    kit.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    awaitFinished(kit);

    var again = kit.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(((Status) again.reply()).status().phase()).isEqualTo(Phase.COMPLETED);
    assertThat(startedAfter).hasSize(1);
  }

  @Test
  void anUnknownJobIsNotFound() {
    var kit = job(runner(Duration.ZERO, 0, false));
    var reply = kit.<ImportProtocol.Reply>runCommand(Get::new);
    assertThat(reply.reply()).isEqualTo(new NotFound());
    assertThat(reply.hasNoEvents()).isTrue();
  }

  @Test
  void aBrokenFileFailsTheJobAtOnce() {
    var kit = job(runner(Duration.ZERO, 1, true));
    kit.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));

    var finished = awaitFinished(kit).status();
    assertThat(finished.phase()).isEqualTo(Phase.FAILED);
    assertThat(finished.failure()).isEqualTo("the CSV cannot be read further");
    assertThat(persisted().get(persisted().size() - 1))
        .isEqualTo(new ImportFailed("the CSV cannot be read further", NOW));
    assertThat(startedAfter).hasSize(1);
  }

  @Test
  void aClusterFailureIsRetriedThenGivenUp() {
    var retried = job(runner(Duration.ZERO, 2, false));
    retried.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    assertThat(awaitFinished(retried).status().phase()).isEqualTo(Phase.COMPLETED);
    assertThat(startedAfter).hasSize(3);

    startedAfter.clear();
    var hopeless = job(runner(Duration.ZERO, 10, false));
    hopeless.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    var failed = awaitFinished(hopeless).status();
    assertThat(failed.phase()).isEqualTo(Phase.FAILED);
    assertThat(failed.failure()).contains("3 times").contains("partition did not answer");
    assertThat(startedAfter).hasSize(3);
  }

  @Test
  void aRestartedJobResumesAfterItsLastCheckpoint() {
    var kit = job(runner(Duration.ofMillis(150), 0, false));
    kit.<ImportProtocol.Reply>runCommand(replyTo -> new Start(spec, replyTo));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertThat(((ImportJob.Running) kit.getState()).rowsRead()).isGreaterThanOrEqualTo(20);
          return null;
        });

    kit.restart();

    var finished = awaitFinished(kit).status();
    // The second stream starts after a recorded checkpoint, not at the file's start.
    assertThat(startedAfter).hasSize(2);
    assertThat(startedAfter.get(1)).isGreaterThanOrEqualTo(20).isLessThan(ROWS);
    assertThat(
            persisted().stream()
                .filter(e -> e instanceof ImportProgressed)
                .map(e -> ((ImportProgressed) e).rowsRead())
                .toList())
        .containsExactly(10L, 20L, 30L, 40L, 50L);
    assertThat(finished.rowsTotal()).isEqualTo(ROWS);
    assertThat(finished.rowsImported() + finished.rowsRejected()).isEqualTo(ROWS);
  }
}
