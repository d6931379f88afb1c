package io.herald.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingSecretTest {

  @TempDir Path dataDir;

  @Test
  void aConfiguredSecretWinsAndNothingIsWritten() {
    String secret = "s".repeat(40);

    assertThat(TrackingSecret.resolve("  " + secret + " ", dataDir))
        .isEqualTo(secret.getBytes(StandardCharsets.UTF_8));
    assertThat(dataDir.resolve(TrackingSecret.FILE_NAME)).doesNotExist();
  }

  @Test
  void aShortConfiguredSecretIsRefused() {
    assertThatThrownBy(() -> TrackingSecret.resolve("too-short", dataDir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HERALD_TRACKING_SECRET");
  }

  @Test
  void aGeneratedSecretIsKeptPrivateAndReusedAfterARestart() throws Exception {
    byte[] first = TrackingSecret.resolve("", dataDir.resolve("data"));
    byte[] second = TrackingSecret.resolve("", dataDir.resolve("data"));

    Path file = dataDir.resolve("data").resolve(TrackingSecret.FILE_NAME);
    assertThat(first).hasSizeGreaterThanOrEqualTo(TrackingTokens.MIN_KEY_BYTES);
    assertThat(second).isEqualTo(first);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    try (var files = Files.list(dataDir.resolve("data"))) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void separateDataDirectoriesGetSeparateSecrets() {
    assertThat(TrackingSecret.resolve("", dataDir.resolve("a")))
        .isNotEqualTo(TrackingSecret.resolve("", dataDir.resolve("b")));
  }
}
