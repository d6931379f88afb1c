package io.herald.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers, API keys and their hashes. */
public final class Secrets {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new identifier: the prefix, an underscore and 16 random base32 characters (80 bits). */
  public static String newId(String prefix) {
    return prefix + "_" + randomChars(16);
  }

  /**
   * A new API key for an account: {@code hk.<accountId>.<52 random characters>} (260 bits). The
   * account id inside lets the gateway find the account without a look-up table.
   */
  public static String newApiKey(String accountId) {
    return "hk." + accountId + "." + randomChars(52);
  }

  /** The account id inside an API key, or null when the text is not shaped like one. */
  public static String accountOfApiKey(String key) {
    String[] parts = key.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals("hk") || parts[1].isEmpty() || parts[2].isEmpty()) {
      return null;
    }
    return parts[1];
  }

  /** A new operator token. */
  public static String newOperatorToken() {
    return "ho." + randomChars(52);
  }

  /** SHA-256 of a key, in hex. Keys carry 260 random bits, so a fast hash is enough. */
  public static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Compares two secrets in time that does not depend on where they differ. */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomChars(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
