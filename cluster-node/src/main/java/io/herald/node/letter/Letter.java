package io.herald.node.letter;

import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * One rendered letter, ready for a transport: the message for SMTP, its RFC 5322 bytes for a pickup
 * directory or an ESP's raw-message API, the envelope recipient and the Message-ID.
 *
 * <p>The message has had its headers saved: transports must not change it, so that every attempt
 * sends the same bytes under the same Message-ID.
 *
 * @param message the message, headers final
 * @param recipient the envelope recipient (RCPT TO)
 * @param messageId the Message-ID header's value, angle brackets included; the same for every
 *     attempt at this (campaign, subscriber)
 */
public record Letter(MimeMessage message, EmailAddress recipient, String messageId) {

  /** The whole message as RFC 5322 bytes, lines ending in CRLF. */
  public byte[] toBytes() {
    int body;
    try {
      body = Math.max(0, message.getSize());
    } catch (MessagingException e) {
      body = 0;
    }
    // Headers of a letter take well under 4 KiB; sizing once spares copies of a large body.
    ByteArrayOutputStream out = new ByteArrayOutputStream(body + 4096);
    writeTo(out);
    return out.toByteArray();
  }

  /** Writes the whole message as RFC 5322 bytes. */
  public void writeTo(OutputStream out) {
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException("a built letter could not be written", e);
    }
  }
}
