package io.herald.node.letter;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Herald's own encoders, checked against Jakarta Mail's decoders. */
class MimeEncodingTest {

  private static final String ALPHABET = "abcXYZ 019 =\t.\r\n-_?<>\"'é€🎉\u0000\u007f~";

  @Test
  void quotedPrintableRoundTripsAnyTextWithShortCrlfLines() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      String text = randomText(random, random.nextInt(600));

      byte[] encoded = encode(text);

      String expected = text.replaceAll("\r?\n", "\r\n");
      assertThat(decode(encoded)).as("round %d", round).isEqualTo(expected);
      for (String line : new String(encoded, StandardCharsets.US_ASCII).split("\r\n", -1)) {
        assertThat(line).hasSizeLessThanOrEqualTo(MimeEncoding.QP_LINE);
        assertThat(line).doesNotEndWith(" ").doesNotEndWith("\t");
        assertThat(line).as("a line SMTP would have to dot-stuff").doesNotStartWith(".");
      }
      for (byte b : encoded) {
        assertThat(b == '\r' || b == '\n' || b == '\t' || (b >= ' ' && b <= '~'))
            .as("byte %d", b)
            .isTrue();
      }
    }
  }

  @Test
  void quotedPrintableKeepsPlainTextReadable() {
    assertThat(new String(encode("Hello, world!\nSee you."), StandardCharsets.US_ASCII))
        .isEqualTo("Hello, world!\r\nSee you.");
    assertThat(new String(encode("a=b é \n"), StandardCharsets.US_ASCII))
        .isEqualTo("a=3Db =C3=A9=20\r\n");
    assertThat(new String(encode("x".repeat(80)), StandardCharsets.US_ASCII))
        .isEqualTo("x".repeat(75) + "=\r\n" + "x".repeat(5));
  }

  @Test
  void quotedPrintableEncodesADotOnlyWhereItWouldBeginALine() {
    assertThat(new String(encode(".\n..a.b\n"), StandardCharsets.US_ASCII))
        .isEqualTo("=2E\r\n=2E.a.b\r\n");
    // After a soft break the next line begins with whatever followed.
    assertThat(new String(encode("x".repeat(75) + ".y"), StandardCharsets.US_ASCII))
        .isEqualTo("x".repeat(75) + "=\r\n=2Ey");
  }

  @Test
  void quotedPrintableNeverContainsTheBoundaryMarker() {
    String tricky = "--" + LetterMime.BOUNDARY + "\n=_herald_alternative--\n";

    assertThat(new String(encode(tricky), StandardCharsets.US_ASCII)).doesNotContain("=_");
  }

  @Test
  void encodedWordsDecodeToTheTextAndKeepLinesShort() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      String text = randomText(random, 1 + random.nextInt(300)).replaceAll("[\r\n]", " ");

      String encoded = MimeEncoding.unstructured(text, "Subject: ".length());

      assertThat(MimeUtility.decodeText(MimeUtility.unfold(encoded))).isEqualTo(text);
      assertThat(encoded.chars().allMatch(c -> c < 128)).isTrue();
      if (encoded.startsWith("=?")) {
        String[] lines = ("Subject: " + encoded).split("\r\n");
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(76));
      }
    }
  }

  @Test
  void asciiSubjectsStayReadableAndFoldAtSpaces() {
    String subject = "Spring sale: everything must go, " + "really everything ".repeat(5);

    String folded = MimeEncoding.unstructured(subject, 9);

    assertThat(MimeUtility.unfold(folded)).isEqualTo(subject);
    assertThat(folded).contains("\r\n ").doesNotContain("=?");
    assertThat(MimeEncoding.unstructured("Hi =?UTF-8?B?x?=", 9)).startsWith("=?UTF-8?B?");
  }

  @Test
  void displayNamesAreQuotedOrEncodedAsNeeded() {
    assertThat(MimeEncoding.mailbox("Ann Lee", "ann@example.com", 4))
        .isEqualTo("Ann Lee <ann@example.com>");
    assertThat(MimeEncoding.mailbox("Lee, Ann \"A\\B\"", "ann@example.com", 4))
        .isEqualTo("\"Lee, Ann \\\"A\\\\B\\\"\" <ann@example.com>");
    assertThat(MimeEncoding.mailbox("Zoë", "zoe@example.com", 4))
        .isEqualTo("=?UTF-8?B?Wm/Dqw==?= <zoe@example.com>");
    assertThat(MimeEncoding.mailbox(null, "zoe@example.com", 4)).isEqualTo("zoe@example.com");
  }

  private static byte[] encode(String text) {
    MimeEncoding.Bytes out = new MimeEncoding.Bytes(16);
    MimeEncoding.quotedPrintable(text, out);
    return out.toArray();
  }

  private static String decode(byte[] encoded) throws Exception {
    return new String(
        MimeUtility.decode(new ByteArrayInputStream(encoded), "quoted-printable").readAllBytes(),
        StandardCharsets.UTF_8);
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    int[] codePoints = ALPHABET.codePoints().toArray();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return text.toString();
  }
}
