package io.herald.node.letter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.node.tracking.TrackingTokens;
import io.herald.protocol.EmailAddress;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;

/** Shared fixtures of the letter tests: a fixed clock, a signer, a recipient, and shortcuts. */
final class Letters {

  static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final TrackingTokens TOKENS =
      new TrackingTokens(
          "a test key that is long enough for HMAC".getBytes(StandardCharsets.UTF_8));
  static final LetterSettings SETTINGS = LetterSettings.defaults("https://herald.example.com/");
  static final LetterTemplates TEMPLATES = new LetterTemplates(TOKENS, CLOCK);
  static final ObjectMapper JSON = new ObjectMapper();

  static final String ACCOUNT = "acc_abcdefghijklmnop";
  static final String CAMPAIGN = "cmp_qrstuvwxyz234567";
  static final String SUBSCRIBER = "abcdefghijklmnopqrstuvwx";

  private Letters() {}

  static CampaignContent content(String subject, String html) {
    return new CampaignContent(subject, "Herald Shop", "news@shop.example.com", null, html, null);
  }

  static CompiledCampaign compile(String subject, String html) {
    return TEMPLATES.compile(content(subject, html), SETTINGS);
  }

  static CompiledCampaign compileWithText(String html, String text) {
    return TEMPLATES.compile(
        new CampaignContent("Hi", "Shop", "news@shop.example.com", null, html, text), SETTINGS);
  }

  static CompiledCampaign compileHtml(String html) {
    return compile("Hello", html);
  }

  static Recipient recipient(String name, ObjectNode attributes) {
    return new Recipient(
        ACCOUNT,
        CAMPAIGN,
        SUBSCRIBER,
        EmailAddress.parse("ann@example.com").orElseThrow(),
        name,
        attributes,
        "lst_newsletter");
  }

  static Recipient ann() {
    return recipient("Ann", attributes("{}"));
  }

  /**
   * The letter's two parts, read back from its bytes the way a receiving server would, with the
   * wire's CRLF line ends turned back into LF.
   */
  record Parts(String text, String html) {}

  static Parts parts(Letter letter) {
    try {
      MimeMultipart alternative = (MimeMultipart) parse(letter.toBytes()).getContent();
      return new Parts(
          ((String) alternative.getBodyPart(0).getContent()).replace("\r\n", "\n"),
          ((String) alternative.getBodyPart(1).getContent()).replace("\r\n", "\n"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(Letter letter) {
    return parts(letter).text();
  }

  static String html(Letter letter) {
    return parts(letter).html();
  }

  static MimeMessage parse(byte[] bytes) {
    try {
      return new MimeMessage(
          Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode attributes(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}
