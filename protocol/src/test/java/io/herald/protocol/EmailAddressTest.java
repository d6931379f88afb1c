package io.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

  @Test
  void trimsAndLowerCasesOnlyTheDomain() {
    EmailAddress address = EmailAddress.parse("  Ann.Lee@Example.COM \t").orElseThrow();

    assertThat(address.value()).isEqualTo("Ann.Lee@example.com");
    assertThat(address.localPart()).isEqualTo("Ann.Lee");
  }

  @Test
  void acceptsInternationalDomainsAndFlagsUnicodeLocalParts() {
    assertThat(EmailAddress.parse("ann@bücher.example").orElseThrow().needsSmtpUtf8()).isFalse();
    assertThat(EmailAddress.parse("jörg@example.com").orElseThrow().needsSmtpUtf8()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "no-at-sign",
        "@example.com",
        "ann@",
        "ann@localhost",
        "ann lee@example.com",
        "ann@exa mple.com",
        "ann\r\nBcc: x@example.com@example.com",
        "ann@example.com\r\nBcc: evil@example.com",
        "\"quoted\"@example.com",
        "a..b@example.com",
        ".ann@example.com",
        "ann@-example-.com",
        "ann(comment)@example.com"
      })
  void refusesWhatNoRelayAccepts(String raw) {
    assertThat(EmailAddress.parse(raw)).isEmpty();
    assertThat(EmailAddress.problem(raw)).isNotBlank();
  }

  @Test
  void enforcesRfc5321Lengths() {
    String local64 = "a".repeat(64);
    String local65 = "a".repeat(65);
    String label63 = "b".repeat(63);
    String longDomain = String.join(".", label63, label63, label63, label63, "com");
    String longAddress =
        "a".repeat(60) + "@" + String.join(".", label63, label63, "c".repeat(63), "com");

    assertThat(EmailAddress.parse(local64 + "@example.com")).isPresent();
    assertThat(EmailAddress.problem(local65 + "@example.com")).contains("64 octets");
    assertThat(EmailAddress.problem("ann@" + longDomain)).contains("domain is longer");
    assertThat(EmailAddress.problem(longAddress)).contains("address is longer");
    assertThat(EmailAddress.problem(null)).isEqualTo("the address is missing");
  }

  /** The ASCII shortcut says what IDN says, on domains made of the characters that matter. */
  @Test
  void theAsciiShortcutAgreesWithIdn() {
    var random = new java.util.SplittableRandom(11);
    String alphabet = "ab0-.Z";
    int shortcuts = 0;
    for (int i = 0; i < 50_000; i++) {
      var domain = new StringBuilder();
      int length = random.nextInt(1, 12);
      for (int c = 0; c < length; c++) {
        domain.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextInt(50) == 0) {
        domain.append("x".repeat(64));
      }
      String shortcut = EmailAddress.asciiHostName(domain.toString());
      String idn;
      try {
        idn = java.net.IDN.toASCII(domain.toString(), java.net.IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        idn = null;
      }
      if (shortcut != null) {
        shortcuts++;
        assertThat(shortcut).as(domain.toString()).isEqualTo(idn);
      }
    }
    assertThat(shortcuts).isGreaterThan(5_000);
    assertThat(EmailAddress.asciiHostName("mail.example.com")).isEqualTo("mail.example.com");
    assertThat(EmailAddress.asciiHostName("bücher.example")).isNull();
  }
}
