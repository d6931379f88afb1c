package io.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SubscriberKeysTest {

  private static EmailAddress address(String raw) {
    return EmailAddress.parse(raw).orElseThrow();
  }

  @Test
  void theSameAddressGivesTheSameIdWithinAnAccountOnly() {
    String a = SubscriberKeys.subscriberId("acc_1", address("Ann@Example.com"));
    String b = SubscriberKeys.subscriberId("acc_1", address(" Ann@EXAMPLE.com "));
    String other = SubscriberKeys.subscriberId("acc_2", address("Ann@Example.com"));

    assertThat(a).hasSize(24).matches("[a-z2-7]{24}").isEqualTo(b).isNotEqualTo(other);
  }

  @Test
  void localPartsThatDifferInCaseAreDifferentPeople() {
    assertThat(SubscriberKeys.subscriberId("acc_1", address("ann@example.com")))
        .isNotEqualTo(SubscriberKeys.subscriberId("acc_1", address("ANN@example.com")));
  }

  @Test
  void idsSpreadOverEveryPartition() {
    var seen = new HashSet<Integer>();
    for (int i = 0; i < 2000; i++) {
      String id = SubscriberKeys.subscriberId("acc_1", address("p" + i + "@example.com"));
      int partition = SubscriberKeys.partitionOf(id, 32).orElseThrow();
      assertThat(partition).isBetween(0, 31);
      seen.add(partition);
    }
    assertThat(seen).hasSize(32);
  }

  @Test
  void malformedIdsHaveNoPartition() {
    assertThat(SubscriberKeys.partitionOf("short", 32)).isEmpty();
    assertThat(SubscriberKeys.partitionOf("ABCDEFGHIJKLMNOPQRSTUVWX", 32)).isEmpty();
    assertThat(SubscriberKeys.partitionOf("abcdefghijklmnopqrstuvw1", 32)).isEmpty();
    assertThat(SubscriberKeys.partitionOf(null, 32)).isEmpty();
  }

  @Test
  void entityIdsCarryTheAccount() {
    String entityId = SubscriberKeys.entityId("acc_x1", 7);
    assertThat(SubscriberKeys.accountOf(entityId)).isEqualTo("acc_x1");
  }
}
