package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SendOutcomeTest {

  @Test
  void replyCodesMapToTheirClass() {
    assertThat(SendOutcome.fromReply(250, "ok").status()).isEqualTo(SendStatus.SENT);
    assertThat(SendOutcome.fromReply(251, "forwarded").status()).isEqualTo(SendStatus.SENT);
    assertThat(SendOutcome.fromReply(421, "closing").status())
        .isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(SendOutcome.fromReply(452, "full").status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(SendOutcome.fromReply(550, "no such user").status())
        .isEqualTo(SendStatus.PERMANENT_FAILURE);
    assertThat(SendOutcome.fromReply(554, "rejected").status())
        .isEqualTo(SendStatus.PERMANENT_FAILURE);
  }

  @Test
  void theReplyCodeIsKept() {
    SendOutcome outcome = SendOutcome.fromReply(550, "5.1.1 no such user");

    assertThat(outcome.replyCode()).isEqualTo(550);
    assertThat(outcome.replyCodeIfKnown()).hasValue(550);
    assertThat(outcome.detail()).isEqualTo("5.1.1 no such user");
  }

  @Test
  void aReplyOutsideTheKnownClassesIsTemporaryWithoutACode() {
    SendOutcome outcome = SendOutcome.fromReply(354, "go ahead");

    assertThat(outcome.status()).isEqualTo(SendStatus.TEMPORARY_FAILURE);
    assertThat(outcome.replyCodeIfKnown()).isEmpty();
    assertThat(outcome.detail()).contains("354");
  }

  @Test
  void outcomesWithoutAServerHaveNoCode() {
    assertThat(SendOutcome.sent("written").replyCodeIfKnown()).isEmpty();
    assertThat(SendOutcome.temporaryFailure("dropped").isSent()).isFalse();
    assertThat(SendOutcome.permanentFailure("bad").status())
        .isEqualTo(SendStatus.PERMANENT_FAILURE);
  }

  @Test
  void onlyRealReplyCodesAreAccepted() {
    assertThatThrownBy(() -> new SendOutcome(SendStatus.SENT, 99, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SendOutcome(SendStatus.SENT, 600, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
