package io.herald.node.letter;

import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.net.IDN;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

/**
 * The letter that asks a person to confirm joining a double opt-in list: it names the list and the
 * account, comes from the account's name at the node's confirmation address, and carries the signed
 * link {@code {publicUrl}/c/{token}}. It is written like a campaign letter (plain text and HTML,
 * quoted-printable) but has no tracking and no List-Unsubscribe: the person is on no list until
 * they confirm.
 */
public final class ConfirmationLetters {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  private final Session session;
  private final LetterSettings settings;
  private final EmailAddress from;
  private final Clock clock;

  /**
   * Letters from {@code from}, with links under the settings' public URL.
   *
   * @throws IllegalArgumentException when the sender address needs SMTPUTF8 and it is not allowed
   */
  public ConfirmationLetters(LetterSettings settings, EmailAddress from, Clock clock) {
    if (from.needsSmtpUtf8() && !settings.allowUtf8()) {
      throw new IllegalArgumentException(
          "the confirmation sender " + from.value() + " needs SMTPUTF8; use an ASCII address");
    }
    Properties properties = new Properties();
    properties.setProperty("mail.mime.allowutf8", Boolean.toString(settings.allowUtf8()));
    this.session = Session.getInstance(properties);
    this.settings = settings;
    this.from = from;
    this.clock = clock;
  }

  /** The address confirmation letters come from. */
  public EmailAddress sender() {
    return from;
  }

  /** The link a confirmation token stands behind. */
  public String link(String token) {
    return settings.publicUrl() + "/c/" + token;
  }

  /**
   * The confirmation letter to one person.
   *
   * @throws LetterRefusedException when the recipient's address cannot be written
   */
  public Letter build(
      String accountName,
      String listId,
      String listName,
      String subscriberId,
      EmailAddress to,
      String token) {
    String link = link(token);
    String subject = "Confirm your subscription to " + listName;
    String text =
        "Please confirm that you want to receive \""
            + listName
            + "\" from "
            + accountName
            + ".\r\n\r\nConfirm here: "
            + link
            + "\r\n\r\nIf you did not sign up, ignore this letter: nothing more will be sent"
            + " to you.\r\n";
    String html =
        "<html><body><p>Please confirm that you want to receive &ldquo;"
            + escape(listName)
            + "&rdquo; from "
            + escape(accountName)
            + ".</p><p><a href=\""
            + escape(link)
            + "\">Confirm my subscription</a></p><p>If you did not sign up, ignore this letter:"
            + " nothing more will be sent to you.</p></body></html>";
    String messageId = "<confirm." + listId + "." + subscriberId + "@" + settings.host() + ">";
    try {
      var message =
          new LetterMime.LetterMessage(
              session, messageId, LetterMime.body(text, html), settings.allowUtf8());
      message.setHeader("Date", DATE.format(clock.instant()));
      message.setHeader("From", MimeEncoding.mailbox(accountName, ascii(from), "From: ".length()));
      message.setHeader("To", ascii(to));
      message.setHeader("Subject", MimeEncoding.unstructured(subject, "Subject: ".length()));
      message.setHeader("MIME-Version", "1.0");
      message.setHeader(
          "Content-Type", "multipart/alternative;\r\n\tboundary=\"" + LetterMime.BOUNDARY + "\"");
      message.setHeader("Auto-Submitted", "auto-generated");
      message.saveChanges();
      return new Letter(message, to, messageId);
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot build a letter in memory", e);
    }
  }

  private String ascii(EmailAddress address) {
    if (settings.allowUtf8()) {
      return address.value();
    }
    if (address.needsSmtpUtf8()) {
      throw new LetterRefusedException(
          "the address " + address.value() + " needs SMTPUTF8, which this node does not send");
    }
    return address.localPart() + "@" + IDN.toASCII(address.domain(), IDN.USE_STD3_ASCII_RULES);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
