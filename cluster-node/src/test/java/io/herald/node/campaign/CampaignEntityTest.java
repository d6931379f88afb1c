package io.herald.node.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.protocol.CampaignProtocol.AudiencePlanned;
import io.herald.protocol.CampaignProtocol.BatchFinished;
import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.CampaignProtocol.Cancel;
import io.herald.protocol.CampaignProtocol.Command;
import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.CampaignProtocol.Create;
import io.herald.protocol.CampaignProtocol.Event;
import io.herald.protocol.CampaignProtocol.Get;
import io.herald.protocol.CampaignProtocol.NotFound;
import io.herald.protocol.CampaignProtocol.Pause;
import io.herald.protocol.CampaignProtocol.Refused;
import io.herald.protocol.CampaignProtocol.Reply;
import io.herald.protocol.CampaignProtocol.Resume;
import io.herald.protocol.CampaignProtocol.Send;
import io.herald.protocol.CampaignProtocol.SendingStarted;
import io.herald.protocol.CampaignProtocol.Status;
import io.herald.protocol.CampaignProtocol.Summary;
import io.herald.protocol.CampaignProtocol.Update;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CampaignEntityTest {

  private static final Instant NOW = Instant.parse("2026-05-06T07:08:09Z");
  private static final Content CONTENT =
      new Content(
          "Spring",
          "Hello {{name}}",
          "Acme",
          "news@acme.example",
          null,
          "<p>Hi</p>",
          null,
          List.of("lst_a"),
          List.of(),
          List.of());

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.load(
              ConfigFactory.parseResources("serialization.conf")
                  .withFallback(EventSourcedBehaviorTestKit.config())));

  /** What the campaign asked of its batches. */
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private final Batches recording =
      new Batches() {
        @Override
        public void run(String accountId, String campaignId, BatchRange range) {
          calls.add("run " + range.number());
        }

        @Override
        public void stop(String accountId, String campaignId, int number, boolean cancelled) {
          calls.add((cancelled ? "cancel " : "stop ") + number);
        }
      };

  private static final List<BatchRange> THREE_BATCHES =
      List.of(
          new BatchRange(0, "", "c", 3),
          new BatchRange(1, "c", "f", 3),
          new BatchRange(2, "f", "g", 1));

  private EventSourcedBehaviorTestKit<Command, Event, CampaignEntity.State> campaign;

  @BeforeEach
  void setUp() {
    AudiencePlanner planner =
        (account, lists, segments, size) ->
            CompletableFuture.completedFuture(new AudiencePlanner.Plan(7, THREE_BATCHES));
    campaign =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            CampaignEntity.create(
                "acc_1~cmp_1",
                Clock.fixed(NOW, ZoneOffset.UTC),
                new CampaignEntity.Settings(3, 2, Duration.ofHours(1)),
                planner,
                recording,
                null));
    campaign.clear();
    calls.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private Summary summary() {
    return campaign.<Reply>runCommand(Get::new).replyOfType(Summary.class);
  }

  private void awaitStatus(Status status, int finishedBatches) {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              var s = summary().campaign();
              assertThat(s.status()).isEqualTo(status);
              assertThat(s.batchesFinished()).isEqualTo(finishedBatches);
              return null;
            });
  }

  @Test
  void aDraftIsCreatedEditedAndReadBack() {
    var created = campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    assertThat(created.replyOfType(Summary.class).campaign().status()).isEqualTo(Status.DRAFT);

    var edited =
        new Content(
            "Spring 2",
            "Hi",
            "Acme",
            "news@acme.example",
            null,
            "<p>x</p>",
            "x",
            List.of("lst_a"),
            List.of(),
            List.of());
    var updated = campaign.<Reply>runCommand(r -> new Update(edited, r));

    assertThat(updated.replyOfType(Summary.class).campaign().content()).isEqualTo(edited);
    assertThat(summary().campaign().name()).isEqualTo("Spring 2");
  }

  @Test
  void anUnknownCampaignAnswersNotFound() {
    assertThat(campaign.<Reply>runCommand(Get::new).reply()).isInstanceOf(NotFound.class);
    assertThat(campaign.<Reply>runCommand(Send::new).reply()).isInstanceOf(NotFound.class);
  }

  @Test
  void sendingPlansTheAudienceAndRunsAWindowOfBatches() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));

    var sent = campaign.<Reply>runCommand(Send::new);

    assertThat(sent.event()).isEqualTo(new SendingStarted(NOW, List.of()));
    awaitStatus(Status.SENDING, 0);
    assertThat(summary().campaign().recipients()).isEqualTo(7);
    assertThat(calls).containsExactly("run 0", "run 1");
  }

  @Test
  void finishedBatchesAreCountedAndTheLastCompletesTheCampaign() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    campaign.<Reply>runCommand(Send::new);
    awaitStatus(Status.SENDING, 0);

    campaign.runCommand(new BatchFinished(0, 3, 0));
    campaign.runCommand(new BatchFinished(0, 3, 0));
    campaign.runCommand(new BatchFinished(1, 2, 1));
    assertThat(calls).contains("run 2");
    campaign.runCommand(new BatchFinished(2, 1, 0));

    var done = summary().campaign();
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.sent()).isEqualTo(6);
    assertThat(done.failed()).isEqualTo(1);
    assertThat(done.finishedAt()).isEqualTo(NOW);
  }

  @Test
  void pauseStopsBatchesAndResumeHandsThemOutAgain() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    campaign.<Reply>runCommand(Send::new);
    awaitStatus(Status.SENDING, 0);
    calls.clear();

    var paused = campaign.<Reply>runCommand(Pause::new);
    assertThat(paused.replyOfType(Summary.class).campaign().status()).isEqualTo(Status.PAUSED);
    assertThat(calls).containsExactly("stop 0", "stop 1", "stop 2");
    calls.clear();

    var resumed = campaign.<Reply>runCommand(Resume::new);
    assertThat(resumed.replyOfType(Summary.class).campaign().status()).isEqualTo(Status.SENDING);
    assertThat(calls).containsExactly("run 0", "run 1");
  }

  @Test
  void aFinishedCampaignRefusesEveryChange() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    campaign.<Reply>runCommand(Send::new);
    awaitStatus(Status.SENDING, 0);
    var cancelled = campaign.<Reply>runCommand(Cancel::new);
    assertThat(cancelled.replyOfType(Summary.class).campaign().status())
        .isEqualTo(Status.CANCELLED);
    assertThat(calls).contains("cancel 0", "cancel 1", "cancel 2");

    for (var reply :
        List.of(
            campaign.<Reply>runCommand(Send::new).reply(),
            campaign.<Reply>runCommand(Pause::new).reply(),
            campaign.<Reply>runCommand(Resume::new).reply(),
            campaign.<Reply>runCommand(r -> new Update(CONTENT, r)).reply())) {
      assertThat(reply).isInstanceOf(Refused.class);
      assertThat(((Refused) reply).code()).isEqualTo("campaign_finished");
    }
    assertThat(campaign.runCommand(new BatchFinished(0, 3, 0)).hasNoEvents()).isTrue();
  }

  @Test
  void aDraftCannotBePausedAndASendingCampaignCannotBeEdited() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    assertThat(campaign.<Reply>runCommand(Pause::new).replyOfType(Refused.class).code())
        .isEqualTo("not_sending");
    campaign.<Reply>runCommand(Send::new);
    assertThat(
            campaign
                .<Reply>runCommand(r -> new Update(CONTENT, r))
                .replyOfType(Refused.class)
                .code())
        .isEqualTo("not_a_draft");
    assertThat(campaign.<Reply>runCommand(Send::new).replyOfType(Refused.class).code())
        .isEqualTo("already_sent");
  }

  @Test
  void anEmptyAudienceCompletesAtOnce() {
    var empty =
        CampaignEntity.create(
            "acc_1~cmp_2",
            Clock.fixed(NOW, ZoneOffset.UTC),
            new CampaignEntity.Settings(3, 2, Duration.ofHours(1)),
            (a, l, g, s) ->
                CompletableFuture.completedFuture(new AudiencePlanner.Plan(0, List.of())),
            recording,
            null);
    var kit =
        EventSourcedBehaviorTestKit.<Command, Event, CampaignEntity.State>create(
            testKit.system(), empty);
    kit.<Reply>runCommand(r -> new Create(CONTENT, r));
    kit.<Reply>runCommand(Send::new);

    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              var s = kit.<Reply>runCommand(Get::new).replyOfType(Summary.class).campaign();
              assertThat(s.status()).isEqualTo(Status.COMPLETED);
              assertThat(s.recipients()).isZero();
              return null;
            });
    assertThat(calls).isEmpty();
  }

  @Test
  void recoveryKeepsPlanAndProgress() {
    campaign.<Reply>runCommand(r -> new Create(CONTENT, r));
    campaign.<Reply>runCommand(Send::new);
    awaitStatus(Status.SENDING, 0);
    campaign.runCommand(new BatchFinished(0, 3, 0));

    campaign.restart();

    var s = summary().campaign();
    assertThat(s.status()).isEqualTo(Status.SENDING);
    assertThat(s.batchesFinished()).isEqualTo(1);
    assertThat(s.sent()).isEqualTo(3);
    assertThat(campaign.getState()).isInstanceOf(CampaignEntity.Running.class);
    assertThat(((CampaignEntity.Running) campaign.getState()).batches()).isEqualTo(THREE_BATCHES);
    assertThat(campaign.getState()).isNotInstanceOf(AudiencePlanned.class);
  }
}
