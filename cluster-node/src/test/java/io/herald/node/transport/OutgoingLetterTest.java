package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

class OutgoingLetterTest {

  @Test
  void theMessageIdCanBeReadFromTheMessage() throws Exception {
    OutgoingLetter built = TestLetters.letter(TestLetters.SENDER, "ann@example.org", "<x@h>", "Hi");

    OutgoingLetter read = OutgoingLetter.of(built.message(), built.sender(), built.recipient());

    assertThat(read.messageId()).isEqualTo("<x@h>");
  }

  @Test
  void aLetterWithoutMessageIdIsRefused() {
    MimeMessage bare = new MimeMessage(TestLetters.SESSION);

    assertThatThrownBy(
            () ->
                OutgoingLetter.of(
                    bare,
                    TestLetters.address(TestLetters.SENDER),
                    TestLetters.address("ann@example.org")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Message-ID");
  }
}
