package io.herald.node.transport;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * Builds the transport and the rate limiter a node's configuration asks for ({@code
 * herald.transport}, see transport.conf).
 */
public final class MailTransports {

  /** The transports a node can be configured with. */
  public enum Kind {
    /** {@link PickupDirectoryTransport}: files in a directory, the embedded default. */
    PICKUP,
    /** {@link SmtpTransport}: a pool of connections to one SMTP server. */
    SMTP;

    /** Reads {@code pickup} or {@code smtp}, in any case. */
    public static Kind parse(String text) {
      for (Kind kind : values()) {
        if (kind.name().equalsIgnoreCase(text.strip())) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "herald.transport.kind (HERALD_TRANSPORT) must be pickup or smtp, not '" + text + "'");
    }
  }

  private MailTransports() {}

  /**
   * The transport {@code herald.transport} describes, started.
   *
   * @param herald the {@code herald} section of the node's configuration
   * @param dataDir the node's data directory, home of the default pickup directory
   */
  public static MailTransport fromConfig(Config herald, Path dataDir) {
    Config transport = herald.getConfig("transport");
    return switch (Kind.parse(transport.getString("kind"))) {
      case PICKUP -> new PickupDirectoryTransport(pickupDirectory(herald, dataDir));
      case SMTP -> new SmtpTransport(SmtpSettings.fromConfig(transport.getConfig("smtp")));
    };
  }

  /**
   * The pickup directory: {@code herald.transport.pickup-dir}, or {@code pickup} in the data dir.
   */
  public static Path pickupDirectory(Config herald, Path dataDir) {
    String configured = herald.getString("transport.pickup-dir").strip();
    Path directory = configured.isEmpty() ? dataDir.resolve("pickup") : Path.of(configured);
    return directory.toAbsolutePath().normalize();
  }

  /** The send rate of {@code herald.transport.rate} letters per second; 0 means no limit. */
  public static RateLimiter rateLimiter(Config herald) {
    double rate = herald.getDouble("transport.rate");
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "herald.transport.rate (HERALD_SEND_RATE) must be 0 or more, not " + rate);
    }
    return RateLimiter.perSecond(rate);
  }
}
