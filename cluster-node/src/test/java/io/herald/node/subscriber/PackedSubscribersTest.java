package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedSubscribersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456789Z");

  private static ObjectNode attributes() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            "{\"city\":\"Zürich 東京\",\"age\":42,\"ratio\":0.5,\"vip\":true,\"none\":null,"
                + "\"tags\":[\"a\",\"b\"],\"address\":{\"street\":\"Main\",\"no\":{\"x\":1}}}");
  }

  @Test
  void aSubscriberComesBackExactlyAsStored() throws Exception {
    var packed = new PackedSubscribers();
    var ann =
        new Subscriber(
            "abcdefghijklmnopqrstuvwx",
            "ann@example.com",
            "Ann Ünïcode",
            attributes(),
            SubscriberStatus.BLOCKLISTED,
            CREATED.plusSeconds(5),
            List.of(
                new Membership("lst_a", MembershipStatus.SUBSCRIBED, CREATED),
                new Membership("lst_b", MembershipStatus.UNCONFIRMED, CREATED.plusNanos(1)),
                new Membership("lst_a2", MembershipStatus.UNSUBSCRIBED, CREATED.minusSeconds(9))),
            CREATED,
            CREATED.plusSeconds(7));

    packed.put(ann);

    assertThat(packed.get(ann.id())).isEqualTo(ann);
    assertThat(packed.size()).isEqualTo(1);
  }

  @Test
  void emptyAndAbsentValuesKeepTheirDifference() {
    var packed = new PackedSubscribers();
    var bare =
        new Subscriber(
            "bbbbbbbbbbbbbbbbbbbbbbbb",
            "b@example.com",
            "",
            JSON.createObjectNode(),
            SubscriberStatus.ACTIVE,
            CREATED,
            List.of(),
            CREATED,
            CREATED);
    var nameless =
        new Subscriber(
            "cccccccccccccccccccccccc",
            "c@example.com",
            null,
            JSON.createObjectNode(),
            SubscriberStatus.ACTIVE,
            CREATED,
            List.of(),
            CREATED,
            CREATED);

    packed.putAll(List.of(bare, nameless));

    assertThat(packed.get(bare.id())).isEqualTo(bare);
    assertThat(packed.get(nameless.id())).isEqualTo(nameless);
    PackedSubscribers loaded = PackedSubscribers.load(packed.export());
    assertThat(loaded.size()).isEqualTo(2);
    assertThat(loaded.get(bare.id())).isEqualTo(bare);
    assertThat(loaded.get(nameless.id())).isEqualTo(nameless);
  }

  @Test
  void aStatusWithoutATimeReadsAsSinceCreation() {
    var packed = new PackedSubscribers();
    var old =
        new Subscriber(
            "dddddddddddddddddddddddd",
            "d@example.com",
            "D",
            JSON.createObjectNode(),
            SubscriberStatus.ACTIVE,
            null,
            List.of(new Membership("lst_a", MembershipStatus.SUBSCRIBED, CREATED)),
            CREATED,
            CREATED);

    packed.put(old);

    assertThat(packed.get(old.id()).statusSince()).isEqualTo(CREATED);
  }

  @Test
  void aLaterVersionReplacesTheEarlierAndRemovalForgets() {
    var packed = new PackedSubscribers();
    var first =
        new Subscriber(
            "eeeeeeeeeeeeeeeeeeeeeeee",
            "e@example.com",
            "E",
            JSON.createObjectNode(),
            SubscriberStatus.ACTIVE,
            CREATED,
            List.of(),
            CREATED,
            CREATED);
    var second = first.withStatus(SubscriberStatus.COMPLAINED, CREATED.plusSeconds(1));

    packed.put(first);
    packed.put(second);
    assertThat(packed.get(first.id())).isEqualTo(second);

    packed.remove(first.id());
    assertThat(packed.get(first.id())).isNull();
    assertThat(packed.size()).isZero();
  }

  /** An export holds every subscriber, whatever the characters of ids, names and list ids. */
  @Test
  void anExportLoadsBackEverySubscriberWithTextInAnyScript() {
    var packed = new PackedSubscribers();
    var all = new java.util.ArrayList<Subscriber>();
    for (int i = 0; i < 300; i++) {
      String id = i % 3 == 0 ? "тест-" + i : String.format("%024d", i).replace('0', 'a');
      var attributes = JSON.createObjectNode().put("город", "Zürich " + i);
      all.add(
          new Subscriber(
              id,
              "p" + i + "@example.com",
              i % 5 == 0 ? "" : "Ünïcödé " + "x".repeat(i),
              attributes,
              SubscriberStatus.ACTIVE,
              CREATED,
              List.of(
                  new Membership("список-" + (i % 4), MembershipStatus.SUBSCRIBED, CREATED),
                  new Membership("lst_" + i, MembershipStatus.UNCONFIRMED, CREATED.plusSeconds(i))),
              CREATED,
              CREATED.plusSeconds(i)));
    }
    packed.putAll(all);

    PackedSubscribers loaded = PackedSubscribers.load(packed.export());

    assertThat(loaded.size()).isEqualTo(all.size());
    for (Subscriber subscriber : all) {
      assertThat(loaded.get(subscriber.id())).isEqualTo(subscriber);
    }
  }

  /**
   * Replaced and removed records are reclaimed: the slabs stay within a small multiple of what the
   * live subscribers take, and every live subscriber reads back as last stored.
   */
  @Test
  void replacedAndRemovedRecordsAreReclaimedAndTheRestStayIntact() {
    var packed = new PackedSubscribers();
    var expected = new java.util.HashMap<String, Subscriber>();
    var random = new java.util.Random(5);
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 2_000; i++) {
        String id =
            io.herald.protocol.SubscriberKeys.subscriberId(
                "acc_1", io.herald.protocol.EmailAddress.parse("p" + i + "@x.org").orElseThrow());
        if (random.nextInt(10) == 0) {
          packed.remove(id);
          expected.remove(id);
        } else {
          var subscriber =
              new Subscriber(
                  id,
                  "p" + i + "@x.org",
                  "round " + round + " " + "n".repeat(random.nextInt(60)),
                  JSON.createObjectNode().put("round", round),
                  SubscriberStatus.ACTIVE,
                  CREATED,
                  List.of(new Membership("lst_a", MembershipStatus.SUBSCRIBED, CREATED)),
                  CREATED,
                  CREATED.plusSeconds(round));
          packed.put(subscriber);
          expected.put(id, subscriber);
        }
      }
    }

    assertThat(packed.size()).isEqualTo(expected.size());
    expected.forEach((id, subscriber) -> assertThat(packed.get(id)).isEqualTo(subscriber));
    long live = packed.export().length;
    assertThat(packed.storedBytes())
        .isLessThanOrEqualTo(live * 4 / 3 + 3L * PackedSubscribers.SLAB_BYTES);
  }
}
