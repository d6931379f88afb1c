package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.Command;
import io.herald.protocol.SubscriberProtocol.Erase;
import io.herald.protocol.SubscriberProtocol.Erased;
import io.herald.protocol.SubscriberProtocol.Event;
import io.herald.protocol.SubscriberProtocol.Found;
import io.herald.protocol.SubscriberProtocol.Get;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.NotFound;
import io.herald.protocol.SubscriberProtocol.Reply;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import io.herald.protocol.SubscriberProtocol.Upsert;
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
          ConfigFactory.parseResources("serialization.conf")
              .withFallback(EventSourcedBehaviorTestKit.config()));

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
    assertThat(all.replyOfType(Upserted.class).subscriber().lists())
        .allMatch(m -> m.status() == MembershipStatus.UNSUBSCRIBED);
    assertThat(
            partition
                .<Reply>runCommand(
                    r ->
                        new io.herald.protocol.SubscriberProtocol.Unsubscribe(
                            idOf("nobody@example.com"), List.of(), r))
                .reply())
        .isInstanceOf(NotFound.class);
  }
}
