package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How the projection names its tags and finds the account of an event. */
class SubscriberProjectionTest {

  @Test
  void theAccountComesFromThePartitionsPersistenceId() {
    assertThat(SubscriberProjection.accountOf("SubscriberPartition|acme~17")).isEqualTo("acme");
    assertThat(SubscriberProjection.accountOf("SubscriberPartition|a~b~0")).isEqualTo("a~b");
  }

  @Test
  void anotherEntitysPersistenceIdIsRefused() {
    assertThatThrownBy(() -> SubscriberProjection.accountOf("Campaign|acme~1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tagsAreNumberedFromZero() {
    assertThat(SubscriberProjection.tags(3))
        .containsExactly("subscribers-0", "subscribers-1", "subscribers-2");
    assertThatThrownBy(() -> SubscriberProjection.tags(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
