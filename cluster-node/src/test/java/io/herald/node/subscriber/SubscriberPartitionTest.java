package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.BulkUpserted;
import io.herald.protocol.SubscriberProtocol.Command;
import io.herald.protocol.SubscriberProtocol.Confirm;
import io.herald.protocol.SubscriberProtocol.Erase;
import io.herald.protocol.SubscriberProtocol.Erased;
import io.herald.protocol.SubscriberProtocol.Event;
import io.herald.protocol.SubscriberProtocol.Found;
import io.herald.protocol.SubscriberProtocol.Get;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.NotFound;
import io.herald.protocol.SubscriberProtocol.Reply;
import io.herald.protocol.SubscriberProtocol.RowRefusal;
import io.herald.protocol.SubscriberProtocol.SetStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import io.herald.protocol.SubscriberProtocol.Upsert;
import io.herald.protocol.SubscriberProtocol.UpsertMany;
import io.herald.protocol.SubscriberProtocol.UpsertMode;
import io.herald.protocol.SubscriberProtocol.Upserted;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubscriberPartitionTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final String ENTITY = SubscriberKeys.entityId("acc_1", 3);
  private static final SubscriberPartition.Settings SETTINGS =
      new SubscriberPartition.Settings(50, 4);

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.load(
              ConfigFactory.parseResources("serialization.conf")
                  .withFallback(EventSourcedBehaviorTestKit.config())));

  private EventSourcedBehaviorTestKit<Command, Event, SubscriberPartition.State> partition;

  @BeforeEach
  void setUp() {
    partition =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SubscriberPartition.create(ENTITY, Clock.fixed(NOW, ZoneOffset.UTC), SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    partition.clear();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static String idOf(String email) {
    return SubscriberKeys.subscriberId("acc_1", EmailAddress.parse(email).orElseThrow());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static SubscriberInput input(
      String email, String name, Map<String, Object> attrs, List<String> lists) {
    return new SubscriberInput(email, name, attrs == null ? null : JSON.valueToTree(attrs), lists);
  }

  @Test
  void aNewAddressCreatesASubscribedActiveSubscriber() {
    var result =
        partition.<Reply>runCommand(
            r ->
                new Upsert(
                    input("ann@example.com", "Ann", Map.of("plan", "pro"), List.of("lst_a")), r));

    Upserted reply = result.replyOfType(Upserted.class);
    assertThat(reply.created()).isTrue();
    Subscriber ann = reply.subscriber();
    assertThat(ann.id()).isEqualTo(idOf("ann@example.com"));
    assertThat(ann.status()).isEqualTo(SubscriberStatus.ACTIVE);
    assertThat(ann.lists())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.listId()).isEqualTo("lst_a");
              assertThat(m.status()).isEqualTo(MembershipStatus.SUBSCRIBED);
            });
    assertThat(ann.createdAt()).isEqualTo(NOW);
    assertThat(result.event()).isEqualTo(new SubscribersUpserted(List.of(ann)));
    assertThat(result.state().get(ann.id())).isEqualTo(ann);
  }

  @Test
  void aKnownAddressIsUpdatedListsAddedAndAttributesMerged() {
    partition.<Reply>runCommand(
        r ->
            new Upsert(
                input(
                    "ann@example.com",
                    "Ann",
                    Map.of("plan", "pro", "city", "Oslo"),
                    List.of("lst_a")),
                r));

    var result =
        partition.<Reply>runCommand(
            r ->
                new Upsert(
                    input(
                        "ann@example.com", null, Map.of("plan", "free"), List.of("lst_b", "lst_a")),
                    r));

    Upserted reply = result.replyOfType(Upserted.class);
    assertThat(reply.created()).isFalse();
    assertThat(reply.subscriber().name()).isEqualTo("Ann");
    assertThat(reply.subscriber().attributes())
        .isEqualTo(JSON.valueToTree(Map.of("plan", "free", "city", "Oslo")));
    assertThat(reply.subscriber().lists())
        .extracting(m -> m.listId())
        .containsExactly("lst_a", "lst_b");
  }

  @Test
  void attributesMayHoldNullsAndNestedValues() {
    var attrs = new LinkedHashMap<String, Object>();
    attrs.put("gone", null);
    attrs.put("nested", Map.of("k", List.of(1, 2)));

    var reply =
        partition
            .<Reply>runCommand(r -> new Upsert(input("bo@example.com", "Bo", attrs, List.of()), r))
            .replyOfType(Upserted.class);

    assertThat(reply.subscriber().attributes().get("gone").isNull()).isTrue();
    assertThat(reply.subscriber().attributes().at("/nested/k/1").intValue()).isEqualTo(2);
  }

  @Test
  void getAnswersTheStoredSubscriberOrNotFound() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("ann@example.com", "Ann", null, List.of()), r));

    assertThat(
            partition
                .<Reply>runCommand(r -> new Get(idOf("ann@example.com"), r))
                .replyOfType(Found.class)
                .subscriber()
                .name())
        .isEqualTo("Ann");
    assertThat(partition.<Reply>runCommand(r -> new Get(idOf("nobody@example.com"), r)).reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void erasureRemovesThePersonAndSurvivesRecovery() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("ann@example.com", "Ann", null, List.of("lst_a")), r));
    String id = idOf("ann@example.com");

    var result = partition.<Reply>runCommand(r -> new Erase(id, r));

    assertThat(result.reply()).isEqualTo(new Erased(id));
    assertThat(result.event()).isEqualTo(new SubscriberErased(id, NOW));
    assertThat(result.state().get(id)).isNull();
    partition.restart();
    assertThat(partition.<Reply>runCommand(r -> new Get(id, r)).reply())
        .isInstanceOf(NotFound.class);
    assertThat(partition.<Reply>runCommand(r -> new Erase(id, r)).reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void stateIsRebuiltFromEventsAfterRestart() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("ann@example.com", "Ann", null, List.of("lst_a")), r));
    partition.<Reply>runCommand(
        r -> new Upsert(input("bo@example.com", "Bo", null, List.of("lst_a")), r));

    partition.restart();

    assertThat(partition.getState().size()).isEqualTo(2);
    assertThat(partition.getState().get(idOf("bo@example.com")).name()).isEqualTo("Bo");
  }

  @Test
  void upsertsThatArriveTogetherAreWrittenAsFewEvents() {
    String pid = "SubscriberPartition|" + ENTITY + "-batch";
    var behavior =
        SubscriberPartition.create(ENTITY + "-batch", Clock.fixed(NOW, ZoneOffset.UTC), SETTINGS);
    var ref = testKit.spawn(behavior);
    TestProbe<Reply> probe = testKit.createTestProbe();
    int count = 200;

    for (int i = 0; i < count; i++) {
      ref.tell(new Upsert(input("p" + i + "@example.com", "P" + i, null, List.of()), probe.ref()));
    }
    var replies = probe.receiveSeveralMessages(count);

    assertThat(replies).allMatch(r -> r instanceof Upserted u && u.created());
    var events =
        new ArrayList<Object>(PersistenceTestKit.create(testKit.system()).persistedInStorage(pid));
    int written =
        events.stream().mapToInt(e -> ((SubscribersUpserted) e).subscribers().size()).sum();
    assertThat(written).isEqualTo(count);
    assertThat(events.size()).isLessThan(count);
    assertThat(events)
        .allMatch(e -> ((SubscribersUpserted) e).subscribers().size() <= SETTINGS.maxBatch());
  }

  @Test
  void unsubscribingMarksOnlyTheGivenListsAndKeepsThePerson() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("ann@example.com", "Ann", null, List.of("lst_a", "lst_b")), r));
    String id = idOf("ann@example.com");

    var result =
        partition.<Reply>runCommand(
            r -> new io.herald.protocol.SubscriberProtocol.Unsubscribe(id, List.of("lst_a"), r));

    Subscriber after = result.replyOfType(Upserted.class).subscriber();
    assertThat(after.lists())
        .extracting(m -> m.listId() + ":" + m.status())
        .containsExactly("lst_a:UNSUBSCRIBED", "lst_b:SUBSCRIBED");
    assertThat(result.event()).isEqualTo(new SubscribersUpserted(List.of(after)));
    var all =
        partition.<Reply>runCommand(
            r -> new io.herald.protocol.SubscriberProtocol.Unsubscribe(id, List.of(), r));
    Subscriber leftAll = all.replyOfType(Upserted.class).subscriber();
    assertThat(leftAll.lists()).allMatch(m -> m.status() == MembershipStatus.UNSUBSCRIBED);
    assertThat(leftAll.status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
    assertThat(leftAll.statusSince()).isEqualTo(NOW);
    assertThat(
            partition
                .<Reply>runCommand(
                    r ->
                        new io.herald.protocol.SubscriberProtocol.Unsubscribe(
                            idOf("nobody@example.com"), List.of(), r))
                .reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void aBulkSubscribeWritesOneEventAndMergesRowsOfTheSameAddress() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("old@example.com", "Old", Map.of("a", 1), List.of("lst_a")), r));

    var result =
        partition.<BulkUpserted>runCommand(
            r ->
                new UpsertMany(
                    List.of(
                        input("new@example.com", "New", Map.of("n", 1), List.of("lst_b")),
                        input("old@example.com", null, Map.of("b", 2), List.of("lst_b")),
                        input("not an address", "X", null, List.of("lst_b")),
                        input("new@Example.COM", "Newer", Map.of("m", 2), List.of("lst_b"))),
                    UpsertMode.SUBSCRIBE,
                    r));

    assertThat(result.reply())
        .isEqualTo(new BulkUpserted(1, 2, List.of(new RowRefusal(2, "invalid address"))));
    assertThat(result.events()).hasSize(1);
    var written = ((SubscribersUpserted) result.event()).subscribers();
    assertThat(written)
        .extracting(Subscriber::email)
        .containsExactly("new@example.com", "old@example.com");
    Subscriber merged = result.state().get(idOf("new@example.com"));
    assertThat(merged.name()).isEqualTo("Newer");
    assertThat(merged.attributes().get("n").asInt()).isEqualTo(1);
    assertThat(merged.attributes().get("m").asInt()).isEqualTo(2);
    Subscriber old = result.state().get(idOf("old@example.com"));
    assertThat(old.name()).isEqualTo("Old");
    assertThat(old.lists()).extracting(m -> m.listId()).containsExactly("lst_a", "lst_b");
  }

  @Test
  void aBulkUpdateChangesOnlyKnownSubscribersAndAddsNoList() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("old@example.com", "Old", null, List.of("lst_a")), r));

    var result =
        partition.<BulkUpserted>runCommand(
            r ->
                new UpsertMany(
                    List.of(
                        input("old@example.com", "Renamed", null, List.of("lst_b")),
                        input("unknown@example.com", "U", null, List.of("lst_b"))),
                    UpsertMode.UPDATE,
                    r));

    assertThat(result.reply())
        .isEqualTo(
            new BulkUpserted(0, 1, List.of(new RowRefusal(1, "no subscriber with this address"))));
    Subscriber old = result.state().get(idOf("old@example.com"));
    assertThat(old.name()).isEqualTo("Renamed");
    assertThat(old.lists()).extracting(m -> m.listId()).containsExactly("lst_a");
    assertThat(result.state().get(idOf("unknown@example.com"))).isNull();
  }

  @Test
  void aBulkUpdateOfOnlyUnknownAddressesAnswersWithoutWriting() {
    var result =
        partition.<BulkUpserted>runCommand(
            r ->
                new UpsertMany(
                    List.of(input("unknown@example.com", "U", null, List.of())),
                    UpsertMode.UPDATE,
                    r));

    assertThat(result.reply().refused()).hasSize(1);
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void aBlocklistSuppressesKnownAndUnknownAddresses() {
    partition.<Reply>runCommand(
        r -> new Upsert(input("old@example.com", "Old", null, List.of("lst_a")), r));

    var result =
        partition.<BulkUpserted>runCommand(
            r ->
                new UpsertMany(
                    List.of(
                        input("old@example.com", "Ignored", null, List.of("lst_b")),
                        input("stranger@example.com", "S", null, List.of("lst_b"))),
                    UpsertMode.BLOCKLIST,
                    r));

    assertThat(result.reply()).isEqualTo(new BulkUpserted(1, 1, List.of()));
    Subscriber old = result.state().get(idOf("old@example.com"));
    assertThat(old.status()).isEqualTo(SubscriberStatus.BLOCKLISTED);
    assertThat(old.name()).isEqualTo("Old");
    assertThat(old.lists()).extracting(m -> m.listId()).containsExactly("lst_a");
    Subscriber stranger = result.state().get(idOf("stranger@example.com"));
    assertThat(stranger.status()).isEqualTo(SubscriberStatus.BLOCKLISTED);
    assertThat(stranger.lists()).isEmpty();
    assertThat(stranger.suppressed()).isTrue();
  }

  @Test
  void aSuppressionSurvivesASignUpAndIsLiftedOnlyBySettingActive() {
    var suppressed =
        partition.<Reply>runCommand(
            r -> new SetStatus("ann@example.com", SubscriberStatus.COMPLAINED, r));
    assertThat(suppressed.replyOfType(Upserted.class).created()).isTrue();

    var signUp =
        partition.<Reply>runCommand(
            r -> new Upsert(input("ann@example.com", "Ann", null, List.of("lst_a")), r));
    assertThat(signUp.replyOfType(Upserted.class).subscriber().status())
        .isEqualTo(SubscriberStatus.COMPLAINED);

    var lifted =
        partition.<Reply>runCommand(
            r -> new SetStatus("ann@example.com", SubscriberStatus.ACTIVE, r));
    assertThat(lifted.replyOfType(Upserted.class).subscriber().status())
        .isEqualTo(SubscriberStatus.ACTIVE);
    var again =
        partition.<Reply>runCommand(
            r -> new SetStatus("ann@example.com", SubscriberStatus.ACTIVE, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(
            partition
                .<Reply>runCommand(
                    r -> new SetStatus("nobody@example.com", SubscriberStatus.ACTIVE, r))
                .reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void doubleOptInListsStayUnconfirmedUntilConfirmed() {
    var joined =
        partition.<Reply>runCommand(
            r ->
                new Upsert(
                    new SubscriberInput(
                        "ann@example.com", "Ann", null, List.of("lst_a"), List.of("lst_doi")),
                    r));
    String id = idOf("ann@example.com");
    assertThat(joined.replyOfType(Upserted.class).subscriber().lists())
        .extracting(m -> m.listId() + ":" + m.status())
        .containsExactly("lst_a:SUBSCRIBED", "lst_doi:UNCONFIRMED");

    var confirmed = partition.<Reply>runCommand(r -> new Confirm(id, "lst_doi", r));
    assertThat(confirmed.replyOfType(Upserted.class).subscriber().lists())
        .extracting(m -> m.listId() + ":" + m.status())
        .containsExactly("lst_a:SUBSCRIBED", "lst_doi:SUBSCRIBED");
    assertThat(partition.<Reply>runCommand(r -> new Confirm(id, "lst_doi", r)).hasNoEvents())
        .isTrue();
    assertThat(partition.<Reply>runCommand(r -> new Confirm(id, "lst_other", r)).reply())
        .isInstanceOf(NotFound.class);
  }

  @Test
  void snapshotsAreTakenWhenTheRowsWrittenSinceTheLastOneMatchThePartitionsSize() {
    var snapshots = partition.snapshotTestKit().orElseThrow();
    String pid = "SubscriberPartition|" + ENTITY;
    double stagger = SubscriberPartition.snapshotStagger(ENTITY);
    int first = (int) Math.ceil(1000 * stagger);
    partition.<BulkUpserted>runCommand(
        r -> new UpsertMany(rows(0, first - 1), UpsertMode.SUBSCRIBE, r));
    assertThat(snapshots.persistedInStorage(pid)).isEmpty();

    partition.<BulkUpserted>runCommand(
        r -> new UpsertMany(rows(first - 1, 1), UpsertMode.SUBSCRIBE, r));
    assertThat(snapshots.persistedInStorage(pid)).hasSize(1);

    // The partition held `first` at that snapshot: the next waits for as many rows again (times
    // the stagger), whatever the number of events that bring them.
    int sent = 0;
    while (snapshots.persistedInStorage(pid).size() == 1) {
      int from = sent % first;
      partition.<BulkUpserted>runCommand(
          r -> new UpsertMany(rows(from, 100), UpsertMode.SUBSCRIBE, r));
      sent += 100;
      assertThat(sent).isLessThan(3 * first);
    }
    assertThat((double) sent).isBetween(stagger * first, stagger * first + 100);

    // Recovered from the packed snapshot and the events after it, the partition is the same.
    String last = idOf("row" + (first - 1) + "@example.com");
    Subscriber before = partition.getState().get(last);
    int size = partition.getState().size();
    partition.restart();
    assertThat(partition.getState().size()).isEqualTo(size);
    assertThat(partition.getState().get(last)).isEqualTo(before);
  }

  private static List<SubscriberInput> rows(int from, int count) {
    var out = new ArrayList<SubscriberInput>(count);
    for (int i = from; i < from + count; i++) {
      out.add(input("row" + i + "@example.com", "Row " + i, null, List.of("lst_a")));
    }
    return out;
  }
}
