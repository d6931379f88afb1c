package io.herald.node.transport;

import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Objects;

/**
 * A finished letter ready for a transport: the MIME message exactly as it will be sent, and the
 * envelope, which may differ from the headers (a bounce address as sender, one recipient per
 * letter).
 *
 * <p>The message must already be saved ({@link MimeMessage#saveChanges()}) with its final
 * Message-ID: transports write it as it is and never save it again, since saving would replace the
 * Message-ID that makes a retry recognisable as the same letter.
 *
 * @param messageId the Message-ID header's value, angle brackets included or not; it names the
 *     letter in logs and in the pickup directory
 */
public record OutgoingLetter(
    MimeMessage message, EmailAddress sender, EmailAddress recipient, String messageId) {

  /** Checks that every part is present. */
  public OutgoingLetter {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(recipient, "recipient");
    if (messageId == null || messageId.isBlank()) {
      throw new IllegalArgumentException("a letter needs its Message-ID");
    }
  }

  /**
   * A letter whose Message-ID is read from the message's header.
   *
   * @throws IllegalArgumentException when the message has no Message-ID
   */
  public static OutgoingLetter of(MimeMessage message, EmailAddress sender, EmailAddress recipient)
      throws MessagingException {
    return new OutgoingLetter(message, sender, recipient, message.getMessageID());
  }
}
