package io.herald.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * How a subscriber's id, partition and entity id follow from the account and the address.
 *
 * <p>The id is derived from the normalised address, so the same person imported twice lands on the
 * same id without a look-up, and any node can tell which partition holds them.
 */
public final class SubscriberKeys {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int ID_BYTES = 15;
  private static final int ID_CHARS = ID_BYTES * 8 / 5;

  private SubscriberKeys() {}

  /** The subscriber id of an address within an account: 24 base32 characters. */
  public static String subscriberId(String accountId, EmailAddress address) {
    byte[] digest = sha256(accountId + "\n" + address.value());
    return encode(digest, ID_BYTES);
  }

  /** The partition that holds a subscriber id, or empty when the id is not well formed. */
  public static Optional<Integer> partitionOf(String subscriberId, int partitions) {
    if (subscriberId == null || subscriberId.length() != ID_CHARS) {
      return Optional.empty();
    }
    int value = 0;
    for (int i = 0; i < 6; i++) {
      int digit = indexOf(subscriberId.charAt(i));
      if (digit < 0) {
        return Optional.empty();
      }
      value = (value << 5) | digit;
    }
    for (int i = 6; i < ID_CHARS; i++) {
      if (indexOf(subscriberId.charAt(i)) < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(Math.floorMod(value, partitions));
  }

  /** The sharding entity id of a partition of an account. */
  public static String entityId(String accountId, int partition) {
    return accountId + "~" + partition;
  }

  /** The account id within a partition's entity id. */
  public static String accountOf(String entityId) {
    return entityId.substring(0, entityId.lastIndexOf('~'));
  }

  private static int indexOf(char c) {
    char lower = Character.toLowerCase(c);
    if (lower != c) {
      return -1;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= '2' && c <= '7') {
      return 26 + (c - '2');
    }
    return -1;
  }

  private static String encode(byte[] bytes, int length) {
    StringBuilder out = new StringBuilder(length * 8 / 5);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < length; i++) {
      buffer = (buffer << 8) | (bytes[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
