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

  /**
   * A letter with everything chosen, marked {@link DataReady} as Herald's letters are: the body
   * must be one line of ASCII that does not begin with a dot, which Jakarta writes in wire form.
   */
  static OutgoingLetter letter(String sender, String recipient, String messageId, String body) {
    if (body.contains("\n") || body.contains("\r") || body.startsWith(".")) {
      throw new IllegalArgumentException("not a DataReady body: " + body);
    }
    return build(new DataReadyMessage(SESSION, messageId), sender, recipient, messageId, body);
  }

  /** A letter that is not {@link DataReady}: Jakarta's DATA stream converts and dot-stuffs it. */
  static OutgoingLetter plainLetter(String recipient, String body) {
    String messageId = nextMessageId();
    return build(new FixedIdMessage(SESSION, messageId), SENDER, recipient, messageId, body);
  }

  private static OutgoingLetter build(
      MimeMessage message, String sender, String recipient, String messageId, String body) {
    try {
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

  /** A message in wire form, as {@link #letter} builds it. */
  static final class DataReadyMessage extends FixedIdMessage implements DataReady {
    DataReadyMessage(Session session, String messageId) {
      super(session, messageId);
    }
  }

  /** A message whose Message-ID stays what the test chose when it is saved. */
  static class FixedIdMessage extends MimeMessage {
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
