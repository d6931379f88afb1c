package io.herald.node;

import io.herald.gateway.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator token: given by {@code HERALD_ADMIN_TOKEN}, or generated once and kept in the data
 * directory (readable by the owner only) so that it survives restarts.
 */
public final class OperatorToken {

  private static final Logger log = LoggerFactory.getLogger(OperatorToken.class);

  /** The file in the data directory that keeps a generated token. */
  public static final String FILE_NAME = "operator-token";

  /** Shortest operator token accepted from configuration. */
  public static final int MIN_LENGTH = 16;

  private OperatorToken() {}

  /** The configured token, or the stored one, or a new one that is stored and logged once. */
  public static String resolve(String configured, Path dataDir) {
    if (!configured.isBlank()) {
      if (configured.strip().length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            "HERALD_ADMIN_TOKEN must be at least " + MIN_LENGTH + " characters");
      }
      return configured.strip();
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        log.info("Operator token read from {}", file);
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      String token = Secrets.newOperatorToken();
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      log.info("Generated operator token (stored in {}): {}", file, token);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the operator token in " + file, e);
    }
  }
}
