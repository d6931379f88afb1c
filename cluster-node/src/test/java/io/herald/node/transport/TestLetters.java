package io.herald.node.transport;

import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** Letters for transport tests: small, finished MIME messages with a Message-ID of our choice. */
final class TestLetters {

  static final Session SESSION = session();
  static final String SENDER = "bounces@herald.test";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestLetters() {}

  /** A letter from {@link #SENDER} with a fresh Message-ID. */
  static OutgoingLetter to(String recipient) {
    return letter(SENDER, recipient, nextMessageId(), "Hello");
  }

  /** A letter with everything chosen. */
  static OutgoingLetter letter(String sender, String recipient, String messageId, String body) {
    try {
      MimeMessage message = new FixedIdMessage(SESSION, messageId);
      message.setHeader("From", "Herald <news@herald.test>");
      // Set raw, so that a UTF-8 address stays readable (RFC 6532) in the test's assertions.
      message.setHeader("To", recipient);
      message.setSubject("Letter " + messageId, "UTF-8");
      message.setText(body, "UTF-8");
      message.saveChanges();
      return new OutgoingLetter(message, address(sender), address(recipient), messageId);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String nextMessageId() {
    return "<letter-" + SEQUENCE.incrementAndGet() + "@herald.test>";
  }

  static EmailAddress address(String text) {
    return EmailAddress.parse(text).orElseThrow(() -> new IllegalArgumentException(text));
  }

  private static Session session() {
    Properties properties = new Properties();
    properties.setProperty("mail.mime.allowutf8", "true");
    return Session.getInstance(properties);
  }

  /** A message whose Message-ID stays what the test chose when it is saved. */
  static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
