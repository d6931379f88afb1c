package io.herald.node.transport;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link SmtpTransport} connects, read from {@code herald.transport.smtp}.
 *
 * @param port the server's port; 0 picks the usual one for the TLS mode (25, 587 or 465)
 * @param user the login; empty sends no AUTH
 * @param connections persistent connections kept open, each used by one sending thread
 * @param lettersPerConnection letters after which a connection is closed and opened anew; 0 keeps
 *     it for as long as the server does
 * @param heloName the name announced in EHLO; empty uses the machine's host name
 * @param trustHosts hosts whose certificate is accepted without checking its chain or name (a relay
 *     with a self-signed certificate), space-separated, {@code *} for all; empty checks both
 * @param idleTimeout a connection unused this long is closed politely rather than left for the
 *     server to drop
 * @param maxQueued letters waiting for a connection before {@link SmtpTransport#send} answers a
 *     temporary failure instead of queueing more
 */
public record SmtpSettings(
    String host,
    int port,
    String user,
    String password,
    Tls tls,
    int connections,
    int lettersPerConnection,
    String heloName,
    String trustHosts,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    int maxQueued) {

  /** How the connection is protected. */
  public enum Tls {
    /** Plain text; for a relay on the same host or network only. */
    NONE,
    /** Plain connect, then STARTTLS, which must succeed: no silent fall-back to plain text. */
    STARTTLS,
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS;

    /** Reads {@code none}, {@code starttls} or {@code tls}, in any case. */
    public static Tls parse(String text) {
      for (Tls tls : values()) {
        if (tls.name().equalsIgnoreCase(text.strip())) {
          return tls;
        }
      }
      throw new IllegalArgumentException(
          "herald.transport.smtp.tls must be none, starttls or tls, not '" + text + "'");
    }

    int defaultPort() {
      return switch (this) {
        case NONE -> 25;
        case STARTTLS -> 587;
        case TLS -> 465;
      };
    }
  }

  /** Checks the values, so that a bad setting fails at start and not at the first letter. */
  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("herald.transport.smtp.host is empty");
    }
    Objects.requireNonNull(tls, "tls");
    if (port == 0) {
      port = tls.defaultPort();
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("herald.transport.smtp.port is out of range: " + port);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("herald.transport.smtp.connections must be at least 1");
    }
    if (lettersPerConnection < 0) {
      throw new IllegalArgumentException("letters-per-connection must be 0 or more");
    }
    if (maxQueued < 1) {
      throw new IllegalArgumentException("herald.transport.smtp.max-queued must be at least 1");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    heloName = heloName == null ? "" : heloName.strip();
    trustHosts = trustHosts == null ? "" : trustHosts.strip();
    connectTimeout = positive(connectTimeout, "connect-timeout");
    readTimeout = positive(readTimeout, "read-timeout");
    writeTimeout = positive(writeTimeout, "write-timeout");
    idleTimeout = positive(idleTimeout, "idle-timeout");
  }

  /** Reads {@code herald.transport.smtp}. */
  public static SmtpSettings fromConfig(Config smtp) {
    return new SmtpSettings(
        smtp.getString("host"),
        smtp.getInt("port"),
        smtp.getString("user"),
        smtp.getString("password"),
        Tls.parse(smtp.getString("tls")),
        smtp.getInt("connections"),
        smtp.getInt("letters-per-connection"),
        smtp.getString("helo-name"),
        smtp.getString("trust-hosts"),
        smtp.getDuration("connect-timeout"),
        smtp.getDuration("read-timeout"),
        smtp.getDuration("write-timeout"),
        smtp.getDuration("idle-timeout"),
        smtp.getInt("max-queued"));
  }

  /** Whether a login is configured. */
  public boolean authenticates() {
    return !user.isEmpty();
  }

  /** Whether {@link #trustHosts} covers {@link #host}, so that its certificate goes unchecked. */
  public boolean trustsCertificate() {
    if (trustHosts.equals("*")) {
      return true;
    }
    for (String trusted : trustHosts.split("\\s+")) {
      if (trusted.equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  /** Host and port, for messages. */
  public String address() {
    return host + ":" + port;
  }

  /** Everything but the password, so that settings can be logged. */
  @Override
  public String toString() {
    return ("SmtpSettings[%s, tls=%s, user=%s, password=%s, connections=%d,"
            + " lettersPerConnection=%d, heloName=%s, trustHosts=%s, connectTimeout=%s,"
            + " readTimeout=%s, writeTimeout=%s, idleTimeout=%s, maxQueued=%d]")
        .formatted(
            address(),
            tls,
            user,
            password.isEmpty() ? "" : "***",
            connections,
            lettersPerConnection,
            heloName,
            trustHosts,
            connectTimeout,
            readTimeout,
            writeTimeout,
            idleTimeout,
            maxQueued);
  }

  private static Duration positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("herald.transport.smtp." + name + " must be positive");
    }
    return value;
  }
}
