package io.herald.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.CborSerializable;
import io.herald.protocol.ImportProtocol;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message, reply, event and snapshot survives the trip through the configured serializer. */
class SerializationTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(ConfigFactory.load(ConfigFactory.parseResources("serialization.conf")));
  private static final Instant AT = Instant.parse("2026-03-04T05:06:07.123Z");

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  static Stream<CborSerializable> messages() {
    ActorRef<AccountProtocol.Reply> accountReply =
        testKit.<AccountProtocol.Reply>createTestProbe().ref();
    ActorRef<SubscriberProtocol.Reply> subscriberReply =
        testKit.<SubscriberProtocol.Reply>createTestProbe().ref();
    ActorRef<SubscriberProtocol.BulkUpserted> bulkReply =
        testKit.<SubscriberProtocol.BulkUpserted>createTestProbe().ref();
    var list = new MailingList("lst_1", "News ünïcode", AT);
    var segment =
        new AccountProtocol.Segment(
            "seg_1", "Pros", "{\"field\":\"status\",\"op\":\"eq\",\"value\":\"active\"}", AT, AT);
    var summary = new AccountSummary("acc_1", "Acme", 32, List.of(list), List.of(segment), AT);
    ActorRef<io.herald.protocol.CampaignProtocol.Reply> campaignReply =
        testKit.<io.herald.protocol.CampaignProtocol.Reply>createTestProbe().ref();
    var content =
        new io.herald.protocol.CampaignProtocol.Content(
            "Spring",
            "Hi",
            "Acme",
            "news@acme.example",
            null,
            "<p>Hi</p>",
            null,
            List.of("lst_1"),
            List.of("seg_1"),
            List.of(segment.filter()));
    var attributes = new ObjectMapper().createObjectNode();
    attributes.put("plan", "pro");
    attributes.put("seats", 12);
    attributes.put("ratio", 0.5);
    attributes.putNull("none");
    attributes.putArray("tags").add("a").add("b");
    attributes.putObject("address").put("city", "Zürich");
    var subscriber =
        new Subscriber(
            "abcdefghijklmnopqrstuvwx",
            "ann@example.com",
            "Ann",
            attributes,
            SubscriberStatus.ACTIVE,
            AT,
            List.of(new Membership("lst_1", MembershipStatus.SUBSCRIBED, AT)),
            AT,
            AT);
    var input = new SubscriberInput("ann@example.com", "Ann", attributes, List.of("lst_1"));
    ActorRef<ImportProtocol.Reply> importReply =
        testKit.<ImportProtocol.Reply>createTestProbe().ref();
    var importSpec =
        new ImportProtocol.ImportSpec(
            "acc_1",
            "imp_1",
            "lst_1",
            32,
            SubscriberProtocol.UpsertMode.UPDATE,
            ImportProtocol.Format.XLSX,
            "/data/imports/imp_1",
            null,
            "windows-1251",
            "People");
    var rowError = new ImportProtocol.RowError(3, "invalid email address: no @");
    var importStatus =
        new ImportProtocol.ImportStatus(
            "imp_1",
            "lst_1",
            SubscriberProtocol.UpsertMode.SUBSCRIBE,
            ImportProtocol.Phase.FAILED,
            10,
            8,
            2,
            List.of(rowError),
            "the file is empty",
            AT,
            AT);
    return Stream.of(
        new AccountProtocol.Create("Acme", "hash", 32, accountReply),
        new AccountProtocol.Authenticate("hash", accountReply),
        new AccountProtocol.AddApiKey("hash2", accountReply),
        new AccountProtocol.CreateList("lst_1", "News", accountReply),
        new AccountProtocol.CreateList("lst_2", "Weekly", true, accountReply),
        new AccountProtocol.ListCreated(new MailingList("lst_2", "Weekly", AT, true)),
        new AccountProtocol.ListCreatedEvent("lst_2", "Weekly", AT, true),
        new AccountProtocol.Found(
            new AccountSummary(
                "acc_1",
                "Acme",
                32,
                List.of(list, new MailingList("lst_2", "W", AT, true)),
                List.of(),
                AT)),
        new AccountProtocol.GetSummary(accountReply),
        new AccountProtocol.Found(summary),
        new AccountProtocol.ListCreated(list),
        new AccountProtocol.NotFound(),
        new AccountProtocol.Refused("list_exists", "list lst_1 exists"),
        new AccountProtocol.AccountCreated("acc_1", "Acme", "hash", 32, AT),
        new AccountProtocol.ApiKeyAdded("hash2", AT),
        new AccountProtocol.ListCreatedEvent("lst_1", "News", AT),
        new io.herald.node.account.AccountEntity.Open(
            "acc_1", "Acme", List.of("hash"), 32, List.of(list), List.of(segment), AT),
        new AccountProtocol.SaveSegment("seg_1", "Pros", segment.filter(), true, accountReply),
        new AccountProtocol.DeleteSegment("seg_1", accountReply),
        new AccountProtocol.SegmentSaved(segment),
        new AccountProtocol.SegmentCreated("seg_1", "Pros", segment.filter(), AT),
        new AccountProtocol.SegmentUpdated("seg_1", "Pros", segment.filter(), AT),
        new AccountProtocol.SegmentDeleted("seg_1", AT),
        new io.herald.protocol.CampaignProtocol.Create(content, campaignReply),
        new io.herald.protocol.CampaignProtocol.Send(
            java.util.Map.of("seg_1", segment.filter()), campaignReply),
        new io.herald.protocol.CampaignProtocol.SendingStarted(AT, List.of(segment.filter())),
        new io.herald.node.account.AccountEntity.Unopened(),
        new SubscriberProtocol.Upsert(input, subscriberReply),
        new SubscriberProtocol.Upsert(
            new SubscriberInput("ann@example.com", null, null, List.of(), List.of("lst_2")),
            subscriberReply),
        new SubscriberProtocol.UpsertMany(
            List.of(input), SubscriberProtocol.UpsertMode.BLOCKLIST, bulkReply),
        new SubscriberProtocol.BulkUpserted(
            1, 2, List.of(new SubscriberProtocol.RowRefusal(3, "invalid address"))),
        new SubscriberProtocol.SetStatus(
            "ann@example.com", SubscriberStatus.BLOCKLISTED, subscriberReply),
        new SubscriberProtocol.Confirm("abcdefghijklmnopqrstuvwx", "lst_1", subscriberReply),
        new SubscriberProtocol.Get("abcdefghijklmnopqrstuvwx", subscriberReply),
        new SubscriberProtocol.Erase("abcdefghijklmnopqrstuvwx", subscriberReply),
        new SubscriberProtocol.Flush(),
        new SubscriberProtocol.Unsubscribe(
            "abcdefghijklmnopqrstuvwx", List.of("lst_1"), subscriberReply),
        new SubscriberProtocol.Upserted(subscriber, true),
        new SubscriberProtocol.Found(subscriber),
        new SubscriberProtocol.Erased("abcdefghijklmnopqrstuvwx"),
        new SubscriberProtocol.NotFound(),
        new SubscriberProtocol.SubscribersUpserted(List.of(subscriber)),
        new SubscriberProtocol.SubscriberErased("abcdefghijklmnopqrstuvwx", AT),
        new SubscriberProtocol.PartitionSnapshot(List.of(subscriber)),
        new SubscriberProtocol.PackedPartitionSnapshot(new byte[] {1, 0, 2, -1}),
        new ImportProtocol.Start(importSpec, importReply),
        new ImportProtocol.Get(importReply),
        new ImportProtocol.Checkpoint(10, 12, 8, 2, List.of(rowError)),
        new ImportProtocol.StreamEnded(3, "the file is empty", true),
        new ImportProtocol.Resume(),
        new ImportProtocol.Status(importStatus),
        new ImportProtocol.NotFound(),
        new ImportProtocol.ImportStarted(importSpec, AT),
        new ImportProtocol.ImportProgressed(10, 12, 8, 2, List.of(rowError), AT),
        new ImportProtocol.ImportCompleted(AT),
        new ImportProtocol.ImportFailed("the file is empty", AT),
        new io.herald.node.imports.ImportJob.Empty(),
        new io.herald.node.imports.ImportJob.Running(
            importSpec, AT, 10, 12, 8, 2, List.of(rowError)),
        new io.herald.node.imports.ImportJob.Finished(importStatus));
  }

  /** The shape of {@link AccountProtocol.ListCreatedEvent} before lists had the option. */
  record ListCreatedBefore(String listId, String name, Instant createdAt)
      implements CborSerializable {}

  /** The shape of {@link MailingList} (in snapshots) before lists had the option. */
  record MailingListBefore(String id, String name, Instant createdAt) implements CborSerializable {}

  /** Lists recorded before they had the double opt-in option read as single opt-in. */
  @org.junit.jupiter.api.Test
  void listsWrittenBeforeTheDoubleOptInOptionReadAsSingleOptIn() throws Exception {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer =
        (org.apache.pekko.serialization.SerializerWithStringManifest)
            serialization.findSerializerFor(new AccountProtocol.ListCreatedEvent("l", "n", AT));
    byte[] oldEvent = serializer.toBinary(new ListCreatedBefore("lst_1", "News", AT));
    byte[] oldList = serializer.toBinary(new MailingListBefore("lst_1", "News", AT));

    Object event =
        serializer.fromBinary(oldEvent, AccountProtocol.ListCreatedEvent.class.getName());
    Object list = serializer.fromBinary(oldList, MailingList.class.getName());

    assertThat(event).isEqualTo(new AccountProtocol.ListCreatedEvent("lst_1", "News", AT, false));
    assertThat(list).isEqualTo(new MailingList("lst_1", "News", AT, false));
  }

  /**
   * A packed snapshot is stored as its own bytes; one stored through Jackson earlier still reads.
   */
  @org.junit.jupiter.api.Test
  void packedSnapshotsAreTheirBytesAndEarlierOnesStillRead() throws Exception {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] packed = {1, 0, 2, -1, 42};
    var snapshot = new SubscriberProtocol.PackedPartitionSnapshot(packed);
    var jackson =
        (org.apache.pekko.serialization.SerializerWithStringManifest)
            serialization.serializerFor(CborSerializable.class);
    byte[] storedEarlier = jackson.toBinary(snapshot);

    byte[] stored = serialization.serialize(snapshot).get();
    Object earlier =
        serialization
            .deserialize(storedEarlier, jackson.identifier(), jackson.manifest(snapshot))
            .get();

    assertThat(stored).isEqualTo(packed);
    assertThat(earlier).isEqualTo(snapshot);
  }

  /** A membership whose time is stored as given, whatever its form. */
  record MembershipWithTimeAs(String listId, MembershipStatus status, Object since)
      implements CborSerializable {}

  /**
   * Instants travel as [epochSecond, nano], exact to the nanosecond; events stored earlier with an
   * ISO-8601 text or a decimal number of seconds still read.
   */
  @org.junit.jupiter.api.Test
  void instantsTravelAsSecondsAndNanosAndEarlierFormsStillRead() throws Exception {
    var serializer =
        (org.apache.pekko.serialization.SerializerWithStringManifest)
            SerializationExtension.get(testKit.system().classicSystem())
                .findSerializerFor(new Membership("l", MembershipStatus.SUBSCRIBED, AT));
    Instant precise = Instant.parse("2026-03-04T05:06:07.123456789Z");
    String manifest = Membership.class.getName();

    byte[] now = serializer.toBinary(new Membership("lst_1", MembershipStatus.SUBSCRIBED, precise));
    var tree = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper().readTree(now);
    byte[] asText =
        serializer.toBinary(
            new MembershipWithTimeAs("lst_1", MembershipStatus.SUBSCRIBED, precise.toString()));
    byte[] asDecimal =
        serializer.toBinary(
            new MembershipWithTimeAs(
                "lst_1", MembershipStatus.SUBSCRIBED, new java.math.BigDecimal("1772600767.5")));

    assertThat(tree.get("since").isArray()).isTrue();
    assertThat(tree.get("since").get(0).asLong()).isEqualTo(precise.getEpochSecond());
    assertThat(tree.get("since").get(1).asLong()).isEqualTo(123_456_789L);
    assertThat(serializer.fromBinary(now, manifest))
        .isEqualTo(new Membership("lst_1", MembershipStatus.SUBSCRIBED, precise));
    assertThat(serializer.fromBinary(asText, manifest))
        .isEqualTo(new Membership("lst_1", MembershipStatus.SUBSCRIBED, precise));
    assertThat(serializer.fromBinary(asDecimal, manifest))
        .isEqualTo(
            new Membership(
                "lst_1",
                MembershipStatus.SUBSCRIBED,
                Instant.ofEpochSecond(1772600767, 500_000_000)));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTripsThroughCbor(CborSerializable message) {
    var serializer =
        SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(message);
    assertThat(serializer.getClass().getSimpleName())
        .isEqualTo(
            message instanceof SubscriberProtocol.PackedPartitionSnapshot
                ? "PackedSnapshotSerializer"
                : "JacksonCborSerializer");

    Object back = new SerializationTestKit(testKit.system()).verifySerialization(message, true);

    assertThat(back).isEqualTo(message);
  }
}
