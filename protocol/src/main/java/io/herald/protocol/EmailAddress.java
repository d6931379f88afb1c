package io.herald.protocol;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A normalised mailbox address: trimmed, the domain lower-cased (compared case-insensitively as RFC
 * 5321 says), the local part kept as given (it is case-sensitive by the standard).
 *
 * <p>Validation follows RFC 5321 limits (local part at most 64 octets, domain at most 255, the
 * whole path at most 254) and refuses what no relay accepts: spaces, control characters, quoted
 * local parts, a missing or single-label domain.
 */
public record EmailAddress(String localPart, String domain) {

  /** Longest local part in octets (RFC 5321 section 4.5.3.1.1). */
  public static final int MAX_LOCAL_OCTETS = 64;

  /** Longest domain in octets (RFC 5321 section 4.5.3.1.2). */
  public static final int MAX_DOMAIN_OCTETS = 255;

  /** Longest address in octets, so that the reverse and forward paths fit in 256 octets. */
  public static final int MAX_ADDRESS_OCTETS = 254;

  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  /** The address as written in an envelope or a header. */
  public String value() {
    return localPart + "@" + domain;
  }

  /** Whether the local part has characters beyond ASCII, so that a relay needs SMTPUTF8. */
  public boolean needsSmtpUtf8() {
    return !StandardCharsets.US_ASCII.newEncoder().canEncode(localPart);
  }

  @Override
  public String toString() {
    return value();
  }

  /**
   * Parses and normalises an address.
   *
   * @return the address, or empty with no reason; use {@link #problem(String)} for the reason
   */
  public static Optional<EmailAddress> parse(String raw) {
    return problem(raw) == null ? Optional.of(normalise(raw)) : Optional.empty();
  }

  /**
   * Tells what is wrong with an address, in words fit for an API error.
   *
   * @return null when the address is acceptable
   */
  public static String problem(String raw) {
    if (raw == null) {
      return "the address is missing";
    }
    String trimmed = raw.strip();
    if (trimmed.isEmpty()) {
      return "the address is empty";
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c == '\r' || c == '\n') {
        return "the address contains a line break";
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        return "the address contains a space";
      }
      if (Character.isISOControl(c)) {
        return "the address contains a control character";
      }
    }
    int at = trimmed.lastIndexOf('@');
    if (at < 0) {
      return "the address has no @ and no domain";
    }
    String local = trimmed.substring(0, at);
    String domain = trimmed.substring(at + 1);
    if (local.isEmpty()) {
      return "the address has no local part before the @";
    }
    if (domain.isEmpty()) {
      return "the address has no domain after the @";
    }
    if (local.indexOf('@') >= 0 || local.indexOf('"') >= 0) {
      return "quoted local parts and extra @ signs are not accepted";
    }
    if (utf8Length(local) > MAX_LOCAL_OCTETS) {
      return "the local part is longer than " + MAX_LOCAL_OCTETS + " octets";
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return "the local part has a misplaced dot";
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || ATEXT_SPECIALS.indexOf(c) >= 0
              || c > 127;
      if (!ok) {
        return "the local part contains the character '" + c + "'";
      }
    }
    String asciiDomain = asciiHostName(domain);
    if (asciiDomain == null) {
      try {
        asciiDomain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return "the domain is not a valid host name";
      }
    }
    if (asciiDomain.length() > MAX_DOMAIN_OCTETS) {
      return "the domain is longer than " + MAX_DOMAIN_OCTETS + " octets";
    }
    if (asciiDomain.indexOf('.') < 0 || asciiDomain.endsWith(".")) {
      return "the domain must be a fully qualified host name";
    }
    if (utf8Length(local) + 1 + asciiDomain.length() > MAX_ADDRESS_OCTETS) {
      return "the address is longer than " + MAX_ADDRESS_OCTETS + " octets";
    }
    return null;
  }

  /**
   * The domain itself when it is plain ASCII that {@link IDN#toASCII} with STD3 rules would pass
   * unchanged: labels of letters, digits and hyphens, none empty, none over 63 characters, none
   * starting or ending with a hyphen. Null for anything else, which then goes through {@code IDN}:
   * nearly every address of an import takes this path, and {@code IDN} cost more than the rest of
   * the check.
   */
  static String asciiHostName(String domain) {
    int labelStart = 0;
    for (int i = 0; i <= domain.length(); i++) {
      char c = i < domain.length() ? domain.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0
            || length > 63
            || domain.charAt(labelStart) == '-'
            || domain.charAt(i - 1) == '-') {
          return null;
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-')) {
        return null;
      }
    }
    return domain;
  }

  private static EmailAddress normalise(String raw) {
    String trimmed = raw.strip();
    int at = trimmed.lastIndexOf('@');
    return new EmailAddress(
        trimmed.substring(0, at), trimmed.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  private static int utf8Length(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return s.length();
  }
}
