package io.herald.node.letter;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How letters are made, read from {@code herald.letters}, {@code herald.tracking} and {@code
 * herald.public-url}.
 *
 * @param publicUrl where recipients reach Herald (tracking, clicks, unsubscribe), without a
 *     trailing slash
 * @param maxHtmlBytes the largest HTML template accepted, in UTF-8 bytes
 * @param maxTextBytes the largest plain-text template accepted, in UTF-8 bytes
 * @param maxRenderedChars the most characters one rendered part may grow to (loops over large
 *     attributes could otherwise blow a small template up)
 * @param trackOpens whether letters carry a tracking pixel
 * @param trackClicks whether links are rewritten to pass through Herald
 * @param allowUtf8 whether headers may carry raw UTF-8 (only for relays that speak SMTPUTF8);
 *     without it, recipients whose local part is not ASCII are refused
 */
public record LetterSettings(
    String publicUrl,
    int maxHtmlBytes,
    int maxTextBytes,
    int maxRenderedChars,
    boolean trackOpens,
    boolean trackClicks,
    boolean allowUtf8) {

  /** The default limit on an HTML template: 1 MiB. */
  public static final int DEFAULT_MAX_HTML_BYTES = 1024 * 1024;

  /** Checks the values and drops a trailing slash from the public URL. */
  public LetterSettings {
    publicUrl = checkPublicUrl(publicUrl);
    if (maxHtmlBytes < 1 || maxTextBytes < 1 || maxRenderedChars < 1) {
      throw new IllegalArgumentException("letter size limits must be positive");
    }
  }

  /** Defaults for everything but the public URL: 1 MiB templates, tracking on, ASCII headers. */
  public static LetterSettings defaults(String publicUrl) {
    return new LetterSettings(
        publicUrl,
        DEFAULT_MAX_HTML_BYTES,
        DEFAULT_MAX_HTML_BYTES,
        4 * DEFAULT_MAX_HTML_BYTES,
        true,
        true,
        false);
  }

  /** Reads the node's settings. */
  public static LetterSettings fromConfig(Config config) {
    Config letters = config.getConfig("herald.letters");
    Config tracking = config.getConfig("herald.tracking");
    return new LetterSettings(
        config.getString("herald.public-url"),
        intBytes(letters, "max-html-size"),
        intBytes(letters, "max-text-size"),
        intBytes(letters, "max-rendered-size"),
        tracking.getBoolean("opens"),
        tracking.getBoolean("clicks"),
        letters.getBoolean("allow-utf8"));
  }

  /** The same settings with tracking switched as one campaign asks. */
  public LetterSettings withTracking(boolean opens, boolean clicks) {
    return new LetterSettings(
        publicUrl, maxHtmlBytes, maxTextBytes, maxRenderedChars, opens, clicks, allowUtf8);
  }

  /** The public URL's host, which also names Herald in Message-IDs and List-Ids. */
  public String host() {
    return URI.create(publicUrl).getHost();
  }

  private static int intBytes(Config config, String path) {
    long value = config.getBytes(path);
    if (value > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("herald.letters." + path + " is too large: " + value);
    }
    return (int) value;
  }

  private static String checkPublicUrl(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("herald.public-url is empty");
    }
    String url = raw.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("herald.public-url is not a URL: " + raw, e);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "herald.public-url must be http(s)://host[:port][/path], not " + raw);
    }
    return url;
  }
}
