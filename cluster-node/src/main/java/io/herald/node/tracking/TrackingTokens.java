package io.herald.node.tracking;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the tokens in tracking, click and unsubscribe URLs.
 *
 * <p>A token is readable text, safe in a URL path and a header:
 *
 * <pre>
 *   o.{account}.{campaign}.{subscriber}.{mac}          open
 *   c.{account}.{campaign}.{subscriber}.{link}.{mac}   click
 *   u.{account}.{campaign}.{subscriber}.{mac}          unsubscribe
 *   d.{account}.{list}.{subscriber}.{mac}              double opt-in confirmation
 * </pre>
 *
 * <p>The MAC is HMAC-SHA256 over a fixed label and everything before the last dot, cut to 128 bits
 * and written as 22 base64url characters. The ids are not secret; what makes a token unguessable is
 * that nobody without the key can produce the MAC for other ids, another link or another kind.
 * Plain text keeps a click URL near 100 characters, shorter than base64 of the same bytes.
 *
 * <p>One instance serves every thread: each thread keeps its own keyed {@link Mac}.
 */
public final class TrackingTokens {

  /** Shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  /** Longest token {@link #verify} looks at; anything longer is refused unread. */
  public static final int MAX_TOKEN_LENGTH = 4 * TrackingToken.MAX_ID_LENGTH + 40;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAC_BYTES = 16;
  private static final int MAC_CHARS = 22;
  private static final int MAX_LINK_DIGITS = 9;
  // Keeps these MACs apart from anything else the same secret might ever sign.
  private static final byte[] LABEL = "herald-tracking-v1\n".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ThreadLocal<Mac> macs;

  /** Tokens signed with this key; see {@link TrackingSecret} for where the key comes from. */
  public TrackingTokens(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the tracking key must be at least " + MIN_KEY_BYTES + " bytes");
    }
    SecretKeySpec spec = new SecretKeySpec(key.clone(), ALGORITHM);
    this.macs = ThreadLocal.withInitial(() -> newMac(spec));
    newMac(spec); // fail here, not in the first send worker, if the runtime lacks HMAC-SHA256
  }

  /**
   * Tokens keyed by {@code herald.tracking.secret}, or by the secret generated and kept under
   * {@code herald.data-dir} when none is configured.
   */
  public static TrackingTokens fromConfig(Config config) {
    return new TrackingTokens(
        TrackingSecret.resolve(
            config.getString("herald.tracking.secret"),
            Path.of(config.getString("herald.data-dir"))));
  }

  /** The token for a hit, for use in a URL path or a header. */
  public String sign(TrackingToken token) {
    StringBuilder out = new StringBuilder(120);
    if (token instanceof TrackingToken.Open open) {
      out.append("o.").append(open.accountId()).append('.').append(open.campaignId());
    } else if (token instanceof TrackingToken.Click click) {
      out.append("c.").append(click.accountId()).append('.').append(click.campaignId());
    } else if (token instanceof TrackingToken.Unsubscribe unsubscribe) {
      out.append("u.").append(unsubscribe.accountId()).append('.').append(unsubscribe.campaignId());
    } else if (token instanceof TrackingToken.ConfirmSubscription confirm) {
      out.append("d.").append(confirm.accountId()).append('.').append(confirm.listId());
    }
    out.append('.').append(token.subscriberId());
    if (token instanceof TrackingToken.Click click) {
      out.append('.').append(click.linkIndex());
    }
    String mac = mac(out);
    return out.append('.').append(mac).toString();
  }

  /**
   * The hit a token stands for, or empty when the token was not made by {@link #sign} with this
   * key: forged, altered in any character, cut short, padded, or made with another key.
   */
  public Optional<TrackingToken> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    int lastDot = token.lastIndexOf('.');
    if (lastDot < 0 || token.length() - lastDot - 1 != MAC_CHARS) {
      return Optional.empty();
    }
    String body = token.substring(0, lastDot);
    // Compare the canonical text of the MAC, not decoded bytes: base64 leaves spare bits in the
    // last character, and a token that differs only there must still be refused.
    byte[] expected = mac(body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.empty();
    }
    return parse(body);
  }

  /**
   * The hit a token stands for when it is of the given kind; a valid token of another kind (an open
   * token at the unsubscribe endpoint, say) gives empty.
   */
  public <T extends TrackingToken> Optional<T> verify(String token, Class<T> kind) {
    return verify(token).filter(kind::isInstance).map(kind::cast);
  }

  private static Optional<TrackingToken> parse(String body) {
    String[] parts = body.split("\\.", -1);
    if (parts.length < 4
        || !TrackingToken.isValidId(parts[1])
        || !TrackingToken.isValidId(parts[2])
        || !TrackingToken.isValidId(parts[3])) {
      return Optional.empty();
    }
    switch (parts[0]) {
      case "o":
        return parts.length == 4
            ? Optional.of(new TrackingToken.Open(parts[1], parts[2], parts[3]))
            : Optional.empty();
      case "u":
        return parts.length == 4
            ? Optional.of(new TrackingToken.Unsubscribe(parts[1], parts[2], parts[3]))
            : Optional.empty();
      case "d":
        return parts.length == 4
            ? Optional.of(new TrackingToken.ConfirmSubscription(parts[1], parts[2], parts[3]))
            : Optional.empty();
      case "c":
        if (parts.length != 5) {
          return Optional.empty();
        }
        int link = parseLinkIndex(parts[4]);
        return link < 0
            ? Optional.empty()
            : Optional.of(new TrackingToken.Click(parts[1], parts[2], parts[3], link));
      default:
        return Optional.empty();
    }
  }

  private static int parseLinkIndex(String text) {
    if (text.isEmpty() || text.length() > MAX_LINK_DIGITS) {
      return -1;
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private String mac(CharSequence body) {
    Mac mac = macs.get();
    mac.update(LABEL);
    byte[] bytes = new byte[body.length()];
    for (int i = 0; i < bytes.length; i++) {
      // Signed bodies are ASCII without '?', so a presented token with other characters can
      // never match.
      char c = body.charAt(i);
      bytes[i] = c < 128 ? (byte) c : (byte) '?';
    }
    byte[] full = mac.doFinal(bytes);
    return BASE64URL.encodeToString(Arrays.copyOf(full, MAC_BYTES));
  }

  private static Mac newMac(SecretKeySpec spec) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(spec);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }
}
