package io.herald.node.letter;

import io.herald.node.transport.DataReady;
import io.herald.protocol.EmailAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;

/**
 * Builds the MIME message of one letter: {@code multipart/alternative} with a UTF-8 plain-text part
 * and a UTF-8 HTML part, both quoted-printable so that no line passes 76 characters whatever the
 * template holds.
 *
 * <p>Headers: {@code From} and {@code Reply-To} are built once per campaign; {@code To}, {@code
 * Subject} (RFC 2047 encoded words when not ASCII), {@code Date} (from the injected clock), {@code
 * Message-ID} (from campaign and subscriber, so every retry carries the same one), {@code List-Id},
 * and {@code List-Unsubscribe} with {@code List-Unsubscribe-Post} for RFC 8058 one-click
 * unsubscribe. Every text put in a header has been checked for line breaks before it gets here.
 *
 * <p>The body is encoded here, once, into bytes the message holds, and the message writes itself
 * from them; see {@link MimeEncoding} for why Jakarta Mail's own body parts are not used.
 */
final class LetterMime {

  /** Longest subject, in characters: an unbroken ASCII subject must fit a 998-octet line. */
  static final int MAX_SUBJECT_CHARS = 900;

  /** Longest display name, sender's or recipient's, in characters. */
  static final int MAX_NAME_CHARS = 256;

  /**
   * The boundary between the parts. {@code =_} never occurs in quoted-printable text ({@code =} is
   * always followed by two hex digits or a line break there), so a constant boundary cannot clash
   * with a body, and a retry produces the same bytes.
   */
  static final String BOUNDARY = "=_herald_alternative";

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  private final Session session;
  private final Clock clock;
  private final boolean allowUtf8;
  private final String host;
  private final String from;
  private final String replyTo;

  /**
   * Prepares the campaign's constant headers.
   *
   * @throws ContentException when the sender cannot be written in a header
   */
  LetterMime(CampaignContent content, LetterSettings settings, Clock clock) {
    Properties properties = new Properties();
    properties.setProperty("mail.mime.allowutf8", Boolean.toString(settings.allowUtf8()));
    this.session = Session.getInstance(properties);
    this.clock = clock;
    this.allowUtf8 = settings.allowUtf8();
    this.host = settings.host();
    EmailAddress fromEmail = EmailAddress.parse(content.fromEmail()).orElseThrow();
    this.from =
        MimeEncoding.mailbox(
            content.fromName(), address("fromEmail", fromEmail), "From: ".length());
    this.replyTo =
        content.replyTo() == null || content.replyTo().isBlank()
            ? null
            : address("replyTo", EmailAddress.parse(content.replyTo()).orElseThrow());
  }

  /** The Message-ID of the letter to a subscriber, the same on every attempt. */
  String messageId(String campaignId, String subscriberId) {
    return "<" + campaignId + "." + subscriberId + "@" + host + ">";
  }

  /** The List-Id naming a list (or, for a segment, the campaign) of an account. */
  String listId(String accountId, String listOrCampaignId) {
    return "<" + listOrCampaignId + "." + accountId + "." + host + ">";
  }

  /**
   * The letter's message, headers saved.
   *
   * @throws LetterRefusedException when the recipient's address cannot be written
   */
  MimeMessage build(
      String messageId,
      EmailAddress to,
      String toName,
      String subject,
      String html,
      String text,
      String listId,
      String unsubscribeUrl) {
    String recipient = MimeEncoding.mailbox(toName, recipientAddress(to), "To: ".length());
    try {
      LetterMessage message = new LetterMessage(session, messageId, body(text, html), allowUtf8);
      message.setHeader("Date", DATE.format(clock.instant()));
      message.setHeader("From", from);
      message.setHeader("To", recipient);
      if (replyTo != null) {
        message.setHeader("Reply-To", replyTo);
      }
      message.setHeader("Subject", MimeEncoding.unstructured(subject, "Subject: ".length()));
      message.setHeader("MIME-Version", "1.0");
      message.setHeader(
          "Content-Type", "multipart/alternative;\r\n\tboundary=\"" + BOUNDARY + "\"");
      message.setHeader("List-Id", listId);
      message.setHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">");
      message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
      message.saveChanges();
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot build a letter in memory", e);
    }
  }

  /** The multipart body: the plain text first, since a reader shows the last part it can. */
  static byte[] body(String text, String html) {
    MimeEncoding.Bytes out = new MimeEncoding.Bytes(text.length() + html.length() * 11 / 10 + 512);
    part(out, "plain", text);
    part(out, "html", html);
    out.add("--" + BOUNDARY + "--\r\n");
    return out.toArray();
  }

  private static void part(MimeEncoding.Bytes out, String subtype, String content) {
    out.add("--" + BOUNDARY + "\r\n");
    out.add("Content-Type: text/" + subtype + "; charset=UTF-8\r\n");
    out.add("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    MimeEncoding.quotedPrintable(content, out);
    out.add("\r\n");
  }

  private String recipientAddress(EmailAddress to) {
    if (to.needsSmtpUtf8() && !allowUtf8) {
      throw new LetterRefusedException(
          "the address "
              + to.value()
              + " needs SMTPUTF8; set herald.letters.allow-utf8 for a relay that supports it");
    }
    return asciiDomain(to);
  }

  private String address(String field, EmailAddress email) {
    if (email.needsSmtpUtf8() && !allowUtf8) {
      throw new ContentException(
          field,
          email.value() + " needs SMTPUTF8; use an ASCII address or set herald.letters.allow-utf8");
    }
    return asciiDomain(email);
  }

  /** The address with an A-label domain, unless raw UTF-8 headers are allowed. */
  private String asciiDomain(EmailAddress email) {
    if (allowUtf8) {
      return email.value();
    }
    return email.localPart() + "@" + IDN.toASCII(email.domain(), IDN.USE_STD3_ASCII_RULES);
  }

  /**
   * A message whose body is already encoded and whose headers are all set by {@link LetterMime}:
   * saving changes only fixes the Message-ID, and writing copies headers and body as they are.
   *
   * <p>It is {@link DataReady}: headers are written with CRLF and fold with CRLF and a blank; the
   * body is boundary lines, part headers and quoted-printable, whose lines are short, end in CRLF
   * and never begin with a dot.
   */
  static final class LetterMessage extends MimeMessage implements DataReady {
    private final String messageId;
    private final boolean allowUtf8;

    LetterMessage(Session session, String messageId, byte[] body, boolean allowUtf8) {
      super(session);
      this.messageId = messageId;
      this.allowUtf8 = allowUtf8;
      this.content = body;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }

    @Override
    protected synchronized void updateHeaders() throws MessagingException {
      // The body and its Content-Type were set together; Jakarta Mail would only re-derive them.
      updateMessageID();
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList)
        throws IOException, MessagingException {
      if (!saved) {
        saveChanges();
      }
      Enumeration<String> lines = getNonMatchingHeaderLines(ignoreList);
      while (lines.hasMoreElements()) {
        String line = lines.nextElement();
        // Headers are ASCII unless raw UTF-8 was asked for; no other bytes reach them.
        out.write(line.getBytes(allowUtf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
      }
      out.write('\r');
      out.write('\n');
      out.write(content);
      out.flush();
    }
  }
}
