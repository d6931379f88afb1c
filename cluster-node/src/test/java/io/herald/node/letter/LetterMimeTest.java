package io.herald.node.letter;

import static io.herald.node.letter.Letters.ACCOUNT;
import static io.herald.node.letter.Letters.CAMPAIGN;
import static io.herald.node.letter.Letters.SUBSCRIBER;
import static io.herald.node.letter.Letters.TOKENS;
import static io.herald.node.letter.Letters.ann;
import static io.herald.node.letter.Letters.attributes;
import static io.herald.node.letter.Letters.compile;
import static io.herald.node.letter.Letters.compileHtml;
import static io.herald.node.letter.Letters.parse;
import static io.herald.node.letter.Letters.recipient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.node.tracking.TrackingToken;
import io.herald.protocol.EmailAddress;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class LetterMimeTest {

  @Test
  void theMessageIsAlternativeTextThenHtmlInUtf8QuotedPrintable() throws Exception {
    Letter letter = compile("Hi", "<p>Grüße, {{name}}!</p>").render(ann());

    MimeMessage message = parse(letter.toBytes());

    assertThat(message.getContentType()).startsWith("multipart/alternative;");
    MimeMultipart alternative = (MimeMultipart) message.getContent();
    assertThat(alternative.getCount()).isEqualTo(2);
    BodyPart text = alternative.getBodyPart(0);
    BodyPart html = alternative.getBodyPart(1);
    assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
    assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
    assertThat(text.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    assertThat(html.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    assertThat((String) text.getContent()).isEqualTo("Grüße, Ann!\r\n");
    assertThat((String) html.getContent()).startsWith("<p>Grüße, Ann!</p><img src=");
    assertThat(message.getHeader("MIME-Version", null)).isEqualTo("1.0");
  }

  @Test
  void noLineIsLongerThan998OctetsEvenForA10000CharacterLine() {
    String longWord = "x".repeat(10_000);
    String longValue = "é".repeat(3_000) + "🎉".repeat(1_000);
    Letter letter =
        Letters.compileWithText(
                "<p>" + longWord + "</p><p>{{attributes.long}}</p>",
                longWord + "\n{{attributes.long}}")
            .render(recipient("Ann", attributes("{\"long\": \"" + longValue + "\"}")));

    byte[] bytes = letter.toBytes();

    assertThat(lines(bytes)).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(998));
    String body = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2)[1];
    // Quoted-printable keeps every body line within 76 characters.
    assertThat(body.split("\r\n"))
        .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(76));
    assertThat(bareLineFeeds(bytes)).as("LF without CR").isZero();
    Letters.Parts parts = Letters.parts(letter);
    assertThat(parts.html()).contains("<p>" + longWord + "</p><p>" + longValue + "</p>");
    assertThat(parts.text()).startsWith(longWord + "\n" + longValue);
  }

  @Test
  void theLetterIsAlreadyInTheFormSmtpDataCarries() {
    // Lines that begin with dots, bare CRs and LFs, blanks at line ends, a folded long subject.
    String awkward = ".\n..leading dots\r\n. \rcarriage\ttab \n" + ".x".repeat(600);
    Letter letter =
        Letters.compileWithText(
                "<p>{{attributes.awkward}}</p>\n.<b>dot</b>", "{{attributes.awkward}}\n.end")
            .render(
                recipient(
                    "Ann",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode()
                        .put("awkward", awkward)));

    byte[] bytes = letter.toBytes();

    assertThat(letter.message()).isInstanceOf(io.herald.node.transport.DataReady.class);
    assertThat(bareLineFeeds(bytes)).as("LF without CR").isZero();
    String wire = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(wire).endsWith("\r\n");
    assertThat(wire.replace("\r\n", "")).as("CR without LF").doesNotContain("\r");
    assertThat(wire.split("\r\n"))
        .allSatisfy(line -> assertThat(line).doesNotStartWith(".").hasSizeLessThanOrEqualTo(998));
    Letters.Parts parts = Letters.parts(letter);
    assertThat(parts.text()).contains("..leading dots").contains("carriage\ttab").endsWith(".end");
  }

  @Test
  void aNonAsciiSubjectIsWrittenAsEncodedWords() throws Exception {
    Letter letter = compile("Grüße 🎉", "<p>x</p>").render(ann());

    String raw = rawHeader(letter.toBytes(), "Subject");

    assertThat(raw).startsWith("=?UTF-8?").endsWith("?=");
    assertThat(raw.chars().allMatch(c -> c < 128)).isTrue();
    assertThat(parse(letter.toBytes()).getSubject()).isEqualTo("Grüße 🎉");
  }

  @Test
  void aLongPersonalisedSubjectIsFoldedAndReadsBackWhole() throws Exception {
    String subject = "Ünïcödé 🎉 offers for {{name}}: " + "déjà vu 🍰 ".repeat(20);
    Letter letter = compile(subject, "<p>x</p>").render(recipient("Zoë", attributes("{}")));

    String expected = subject.replace("{{name}}", "Zoë").strip();
    assertThat(parse(letter.toBytes()).getSubject()).isEqualTo(expected);
    String head = new String(letter.toBytes(), StandardCharsets.US_ASCII).split("\r\n\r\n")[0];
    assertThat(head).contains("Subject: =?UTF-8?").contains("\r\n =?UTF-8?");
    assertThat(head.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(998));
  }

  @Test
  void theMessageIdDependsOnlyOnCampaignAndSubscriber() throws Exception {
    CompiledCampaign campaign = compileHtml("<p>{{name}}</p>");

    Letter first = campaign.render(ann());
    Letter retry = campaign.render(recipient("Ann B.", attributes("{\"x\": 1}")));
    Letter recompiled = compileHtml("<p>{{name}}</p>").render(ann());

    String expected = "<" + CAMPAIGN + "." + SUBSCRIBER + "@herald.example.com>";
    assertThat(first.messageId()).isEqualTo(expected);
    assertThat(parse(first.toBytes()).getMessageID()).isEqualTo(expected);
    assertThat(parse(retry.toBytes()).getMessageID()).isEqualTo(expected);
    assertThat(parse(recompiled.toBytes()).getMessageID()).isEqualTo(expected);
    assertThat(first.message().getMessageID()).isEqualTo(expected);
  }

  @Test
  void headersNameSenderRecipientDateAndList() throws Exception {
    CampaignContent content =
        new CampaignContent(
            "Hi",
            "Équipe Herald",
            "news@shop.example.com",
            "help@shop.example.com",
            "<p>x</p>",
            null);
    Letter letter = Letters.TEMPLATES.compile(content, Letters.SETTINGS).render(ann());

    MimeMessage message = parse(letter.toBytes());

    InternetAddress from = (InternetAddress) message.getFrom()[0];
    assertThat(from.getAddress()).isEqualTo("news@shop.example.com");
    assertThat(from.getPersonal()).isEqualTo("Équipe Herald");
    assertThat(rawHeader(letter.toBytes(), "From")).startsWith("=?UTF-8?");
    assertThat(addresses(message.getReplyTo())).containsExactly("help@shop.example.com");
    InternetAddress to = (InternetAddress) message.getRecipients(Message.RecipientType.TO)[0];
    assertThat(to.getAddress()).isEqualTo("ann@example.com");
    assertThat(to.getPersonal()).isEqualTo("Ann");
    assertThat(message.getSentDate()).isEqualTo(Date.from(Letters.NOW));
    assertThat(message.getHeader("List-Id", null))
        .isEqualTo("<lst_newsletter." + ACCOUNT + ".herald.example.com>");
    assertThat(letter.recipient()).isEqualTo(EmailAddress.parse("ann@example.com").orElseThrow());
  }

  @Test
  void withoutReplyToTheHeaderIsAbsent() throws Exception {
    MimeMessage message = parse(compileHtml("<p>x</p>").render(ann()).toBytes());

    assertThat(message.getHeader("Reply-To")).isNull();
  }

  @Test
  void listUnsubscribeOffersSignedOneClickUnsubscribe() throws Exception {
    MimeMessage message = parse(compileHtml("<p>x</p>").render(ann()).toBytes());

    String header = message.getHeader("List-Unsubscribe", null);
    assertThat(header).matches("<https://herald\\.example\\.com/u/[A-Za-z0-9_.-]+>");
    String token = header.substring("<https://herald.example.com/u/".length(), header.length() - 1);
    assertThat(TOKENS.verify(token, TrackingToken.Unsubscribe.class))
        .contains(new TrackingToken.Unsubscribe(ACCOUNT, CAMPAIGN, SUBSCRIBER));
    assertThat(message.getHeader("List-Unsubscribe-Post", null))
        .isEqualTo("List-Unsubscribe=One-Click");
  }

  @Test
  void headerInjectionIsRefusedWhereverItComesFrom() {
    String injection = "Hi\r\nBcc: victim@example.com";
    CompiledCampaign subjectUsesAttribute = compile("Hello {{attributes.title}}", "<p>x</p>");
    CompiledCampaign subjectUsesName = compile("Hello {{name}}", "<p>x</p>");

    assertThatThrownBy(() -> compile(injection, "<p>x</p>")).isInstanceOf(ContentException.class);
    assertThatThrownBy(
            () ->
                Letters.TEMPLATES.compile(
                    new CampaignContent(
                        "Hi", injection, "news@shop.example.com", null, "<p>x</p>", null),
                    Letters.SETTINGS))
        .isInstanceOf(ContentException.class);
    assertThatThrownBy(
            () ->
                subjectUsesAttribute.render(
                    recipient(
                        "Ann", attributes("{\"title\": \"x\\r\\nBcc: victim@example.com\"}"))))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("subject")
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> subjectUsesName.render(recipient(injection, attributes("{}"))))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> subjectUsesAttribute.render(recipient("Ann\nBcc: x@y.example", null)))
        .isInstanceOf(LetterRefusedException.class);
    assertThatThrownBy(
            () ->
                subjectUsesAttribute.render(
                    new Recipient(
                        ACCOUNT,
                        CAMPAIGN,
                        SUBSCRIBER,
                        new EmailAddress("ann\r\nBcc: victim", "example.com"),
                        "Ann",
                        null,
                        null)))
        .isInstanceOf(LetterRefusedException.class);
  }

  @Test
  void lineBreaksInAttributesUsedOnlyInTheBodyAreFine() throws Exception {
    CompiledCampaign campaign = compile("Hello {{name}}", "<p>{{attributes.title}}</p>");

    Letter letter =
        campaign.render(
            recipient("Ann", attributes("{\"title\": \"x\\r\\nBcc: victim@example.com\"}")));

    MimeMessage message = parse(letter.toBytes());
    assertThat(message.getHeader("Bcc")).isNull();
    assertThat(message.getAllHeaders().asIterator())
        .toIterable()
        .extracting(header -> header.getName())
        .containsOnly(
            "Date",
            "From",
            "To",
            "Message-ID",
            "Subject",
            "MIME-Version",
            "Content-Type",
            "List-Id",
            "List-Unsubscribe",
            "List-Unsubscribe-Post");
  }

  @Test
  void idsThatCannotGoInAUrlOrHeaderAreRefused() {
    CompiledCampaign campaign = compileHtml("<p>x</p>");
    EmailAddress ann = EmailAddress.parse("ann@example.com").orElseThrow();

    assertThatThrownBy(
            () -> campaign.render(new Recipient(ACCOUNT, CAMPAIGN, "a.b", ann, null, null, null)))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("subscriber id");
    assertThatThrownBy(
            () ->
                campaign.render(
                    new Recipient(ACCOUNT, CAMPAIGN, SUBSCRIBER, ann, null, null, "l>\r\nX: y")))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("list id");
  }

  @Test
  void internationalDomainsAreWrittenAsAsciiAndUtf8LocalPartsNeedTheSetting() throws Exception {
    CompiledCampaign ascii = compileHtml("<p>x</p>");
    CompiledCampaign utf8 =
        Letters.TEMPLATES.compile(
            Letters.content("Hi", "<p>x</p>"),
            new LetterSettings(
                "https://herald.example.com", 1 << 20, 1 << 20, 1 << 22, true, true, true));
    Recipient idn = withEmail("ann@bücher.example");
    Recipient eai = withEmail("jörg@example.com");

    assertThat(rawHeader(ascii.render(idn).toBytes(), "To"))
        .isEqualTo("Ann <ann@xn--bcher-kva.example>");
    assertThatThrownBy(() -> ascii.render(eai))
        .isInstanceOf(LetterRefusedException.class)
        .hasMessageContaining("SMTPUTF8");
    byte[] bytes = utf8.render(eai).toBytes();
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("To: Ann <jörg@example.com>");
  }

  @Test
  void theMimeMessageAndTheBytesAreTheSameLetter() throws Exception {
    Letter letter = compileHtml("<p>{{name}}</p>").render(ann());

    assertThat(letter.message().getSubject()).isEqualTo("Hello");
    assertThat(addresses(letter.message().getAllRecipients())).containsExactly("ann@example.com");
    assertThat(letter.toBytes()).isEqualTo(letter.toBytes());
  }

  private static Recipient withEmail(String email) {
    return new Recipient(
        ACCOUNT, CAMPAIGN, SUBSCRIBER, EmailAddress.parse(email).orElseThrow(), "Ann", null, null);
  }

  private static List<String> addresses(Address[] addresses) {
    List<String> out = new ArrayList<>();
    for (Address address : addresses) {
      out.add(((InternetAddress) address).getAddress());
    }
    return out;
  }

  /** The lines of a message without their CRLF. */
  private static List<String> lines(byte[] bytes) {
    return List.of(new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n", -1));
  }

  private static int bareLineFeeds(byte[] bytes) {
    int count = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        count++;
      }
    }
    return count;
  }

  /** A header as written on the wire, unfolded, before any decoding. */
  private static String rawHeader(byte[] bytes, String name) {
    String head = new String(bytes, StandardCharsets.UTF_8).split("\r\n\r\n", 2)[0];
    String unfolded = head.replaceAll("\r\n[ \t]", " ");
    for (String line : unfolded.split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }
}
