package io.herald.node.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.SendBatchProtocol.BatchFinished;
import io.herald.protocol.SendBatchProtocol.BatchStarted;
import io.herald.protocol.SendBatchProtocol.BatchStopped;
import io.herald.protocol.SendBatchProtocol.Command;
import io.herald.protocol.SendBatchProtocol.Event;
import io.herald.protocol.SendBatchProtocol.ProgressRecorded;
import io.herald.protocol.SendBatchProtocol.Run;
import io.herald.protocol.SendBatchProtocol.Stop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendBatchEntityTest {

  private static final Instant NOW = Instant.parse("2026-05-06T07:08:09Z");
  private static final List<String> IDS =
      IntStream.range(0, 10).mapToObj(i -> String.format("s%02d", i)).toList();
  private static final BatchRange RANGE = new BatchRange(4, "", "s09", 10);

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.load(
              ConfigFactory.parseResources("serialization.conf")
                  .withFallback(EventSourcedBehaviorTestKit.config())));

  private final List<String> deliveredFrom = new CopyOnWriteArrayList<>();
  private TestProbe<CampaignProtocol.Command> campaign;
  private static int counter;
  private String pid;

  /** Delivers the ids after the given one; every third recipient fails; optionally slowly. */
  private BatchDelivery delivery(Duration perLetter) {
    return (account, campaignId, range, afterId) -> {
      deliveredFrom.add(afterId);
      var rest = IDS.stream().filter(id -> id.compareTo(afterId) > 0).toList();
      var source =
          Source.from(rest)
              .map(
                  id ->
                      new BatchDelivery.Delivered(id, Integer.parseInt(id.substring(1)) % 3 != 0));
      return perLetter.isZero() ? source : source.throttle(1, perLetter);
    };
  }

  private EventSourcedBehaviorTestKit<Command, Event, SendBatchEntity.State> batch(
      BatchDelivery delivery) {
    campaign = testKit.createTestProbe();
    String entityId = "acc_1~cmp_" + (counter++) + "~4";
    pid = "SendBatch|" + entityId;
    var kit =
        EventSourcedBehaviorTestKit.<Command, Event, SendBatchEntity.State>create(
            testKit.system(),
            SendBatchEntity.create(
                entityId,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new SendBatchEntity.Settings(3, Duration.ofMillis(200), Duration.ofMillis(100)),
                delivery,
                campaign.ref()::tell,
                null));
    kit.clear();
    return kit;
  }

  @BeforeEach
  void clear() {
    deliveredFrom.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aBatchDeliversItsRangeRecordsProgressAndReportsTheEnd() {
    var kit = batch(delivery(Duration.ZERO));

    var started = kit.runCommand(new Run(RANGE));
    assertThat(started.event()).isEqualTo(new BatchStarted(RANGE, NOW));

    var finished = awaitFinished();
    assertThat(finished).isEqualTo(new CampaignProtocol.BatchFinished(4, 6, 4));
    assertThat(kit.getState()).isEqualTo(new SendBatchEntity.Done(RANGE, 6, 4));
    assertThat(deliveredFrom).containsExactly("");
  }

  @Test
  void progressIsRecordedInGroupsAndReportedToTheCampaign() {
    var kit = batch(delivery(Duration.ZERO));
    kit.runCommand(new Run(RANGE));
    awaitFinished();

    var events = persisted();
    var progress =
        events.stream()
            .filter(e -> e instanceof ProgressRecorded)
            .map(e -> (ProgressRecorded) e)
            .toList();
    assertThat(progress)
        .extracting(ProgressRecorded::lastId)
        .containsExactly("s02", "s05", "s08", "s09");
    assertThat(progress.stream().mapToInt(p -> p.sent() + p.failed()).sum()).isEqualTo(10);
    assertThat(events.get(events.size() - 1)).isEqualTo(new BatchFinished(6, 4, NOW));
  }

  @Test
  void aStoppedBatchStaysStoppedAndResumesAfterItsLastRecord() {
    var kit = batch(delivery(Duration.ofMillis(60)));
    kit.runCommand(new Run(RANGE));
    campaign.expectMessageClass(CampaignProtocol.BatchProgress.class, Duration.ofSeconds(5));

    var stopped = kit.runCommand(new Stop(false));
    assertThat(stopped.event()).isEqualTo(new BatchStopped(false, NOW));
    var active = (SendBatchEntity.Active) kit.getState();
    assertThat(active.stopped()).isTrue();
    assertThat(active.lastId()).isNotEmpty();

    kit.restart();
    assertThat(deliveredFrom).hasSize(1);

    kit.runCommand(new Run(RANGE));
    var finished =
        campaign.fishForMessage(
            Duration.ofSeconds(10),
            m ->
                m instanceof CampaignProtocol.BatchFinished
                    ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                    : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes
                        .continueAndIgnore());
    assertThat(deliveredFrom).hasSize(2);
    assertThat(deliveredFrom.get(1)).isEqualTo(active.lastId());
    var done = (SendBatchEntity.Done) kit.getState();
    assertThat(done.sent() + done.failed()).isEqualTo(10);
    assertThat(finished).isNotEmpty();
  }

  @Test
  void aBatchRestartedWhileRunningResumesOnItsOwn() {
    var kit = batch(delivery(Duration.ofMillis(60)));
    kit.runCommand(new Run(RANGE));
    campaign.expectMessageClass(CampaignProtocol.BatchProgress.class, Duration.ofSeconds(5));
    String recorded = ((SendBatchEntity.Active) kit.getState()).lastId();

    kit.restart();

    campaign.fishForMessage(
        Duration.ofSeconds(10),
        m ->
            m instanceof CampaignProtocol.BatchFinished
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    assertThat(deliveredFrom.get(deliveredFrom.size() - 1).compareTo(recorded))
        .isGreaterThanOrEqualTo(0);
    assertThat(kit.getState()).isInstanceOf(SendBatchEntity.Done.class);
  }

  @Test
  void aDoneBatchOnlyRepeatsItsReport() {
    var kit = batch(delivery(Duration.ZERO));
    kit.runCommand(new Run(RANGE));
    awaitFinished();

    var again = kit.runCommand(new Run(RANGE));

    assertThat(again.hasNoEvents()).isTrue();
    assertThat(awaitFinished()).isEqualTo(new CampaignProtocol.BatchFinished(4, 6, 4));
    assertThat(deliveredFrom).hasSize(1);
  }

  /** The next BatchFinished the campaign receives, passing over progress reports. */
  private CampaignProtocol.BatchFinished awaitFinished() {
    var messages =
        campaign.fishForMessage(
            Duration.ofSeconds(10),
            m ->
                m instanceof CampaignProtocol.BatchFinished
                    ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                    : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes
                        .continueAndIgnore());
    return (CampaignProtocol.BatchFinished) messages.get(messages.size() - 1);
  }

  private List<Object> persisted() {
    return new ArrayList<>(PersistenceTestKit.create(testKit.system()).persistedInStorage(pid));
  }
}
