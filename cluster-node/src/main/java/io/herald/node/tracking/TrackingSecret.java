package io.herald.node.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key behind tracking and unsubscribe tokens: given by {@code herald.tracking.secret} ({@code
 * HERALD_TRACKING_SECRET}), or generated once and kept in the data directory, readable by the owner
 * only, so that links in letters already sent keep working after a restart.
 *
 * <p>A generated secret suits one node. Every node of a cluster must share the configured secret,
 * because a letter sent by one node is clicked through the gateway of another.
 */
public final class TrackingSecret {

  private static final Logger log = LoggerFactory.getLogger(TrackingSecret.class);

  /** The file in the data directory that keeps a generated secret. */
  public static final String FILE_NAME = "tracking-secret";

  /** Shortest secret accepted from configuration, in characters. */
  public static final int MIN_LENGTH = 32;

  private static final int GENERATED_BYTES = 32;

  private TrackingSecret() {}

  /**
   * The key: the configured secret, or the stored one, or a new random one that is stored.
   *
   * @return the secret's UTF-8 bytes, at least {@link TrackingTokens#MIN_KEY_BYTES} long
   */
  public static byte[] resolve(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      String secret = configured.strip();
      if (secret.length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            "HERALD_TRACKING_SECRET must be at least " + MIN_LENGTH + " characters");
      }
      return secret.getBytes(StandardCharsets.UTF_8);
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        log.info("Tracking secret read from {}", file);
        return read(file);
      }
      String secret = newSecret();
      if (!publish(file, secret)) {
        // Another node process sharing the directory won the race: use its secret.
        return read(file);
      }
      // The secret itself is never logged: with it anyone could unsubscribe anyone.
      log.info(
          "Generated a tracking secret in {}; nodes of a cluster need one shared"
              + " HERALD_TRACKING_SECRET instead",
          file);
      return secret.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the tracking secret in " + file, e);
    }
  }

  /**
   * Writes the secret to a private temporary file and links it into place, so that nobody ever
   * reads a half-written secret and two processes starting together end up with the same one.
   *
   * @return false when the file already existed
   */
  private static boolean publish(Path file, String secret) throws IOException {
    Path temp;
    try {
      temp =
          Files.createTempFile(
              file.getParent(),
              FILE_NAME,
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      temp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
    }
    try {
      Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
      try {
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException e) {
        Files.move(temp, file);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static byte[] read(Path file) throws IOException {
    String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalStateException(
          file + " holds fewer than " + MIN_LENGTH + " characters; remove it to generate anew");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  private static String newSecret() {
    byte[] bytes = new byte[GENERATED_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
