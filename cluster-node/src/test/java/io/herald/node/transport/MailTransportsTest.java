package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.herald.node.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailTransportsTest {

  @TempDir Path dataDir;

  @Test
  void theNodesConfigurationIncludesTheTransportLayer() {
    Config herald =
        NodeConfig.compose(ConfigFactory.parseResources("application.conf"), Map.of())
            .getConfig("herald");

    assertThat(herald.hasPath("transport.kind")).isTrue();
    assertThat(herald.getInt("transport.smtp.connections")).isEqualTo(8);
  }

  @Test
  void thePickupDirectoryUnderTheDataDirIsTheDefault() {
    try (MailTransport transport = MailTransports.fromConfig(herald(Map.of()), dataDir)) {
      assertThat(transport).isInstanceOf(PickupDirectoryTransport.class);
      assertThat(((PickupDirectoryTransport) transport).directory())
          .isEqualTo(dataDir.resolve("pickup").toAbsolutePath());
    }
  }

  @Test
  void aPickupDirectoryCanBeNamed() {
    Path elsewhere = dataDir.resolve("elsewhere");
    Config herald = herald(Map.of("HERALD_PICKUP_DIR", elsewhere.toString()));

    assertThat(MailTransports.pickupDirectory(herald, dataDir)).isEqualTo(elsewhere);
  }

  @Test
  void smtpIsBuiltFromTheEnvironmentsSettings() {
    Config herald =
        herald(
            Map.of(
                "HERALD_TRANSPORT", "smtp",
                "HERALD_SMTP_HOST", "relay.example.org",
                "HERALD_SMTP_PORT", "2525",
                "HERALD_SMTP_USER", "herald",
                "HERALD_SMTP_PASSWORD", "s3cret",
                "HERALD_SMTP_TLS", "tls",
                "HERALD_SMTP_CONNECTIONS", "3",
                "HERALD_SMTP_READ_TIMEOUT", "45s"));

    try (MailTransport transport = MailTransports.fromConfig(herald, dataDir)) {
      assertThat(transport).isInstanceOf(SmtpTransport.class);
      assertThat(transport.concurrency()).isEqualTo(3);
      SmtpSettings settings = ((SmtpTransport) transport).settings();
      assertThat(settings.host()).isEqualTo("relay.example.org");
      assertThat(settings.port()).isEqualTo(2525);
      assertThat(settings.user()).isEqualTo("herald");
      assertThat(settings.password()).isEqualTo("s3cret");
      assertThat(settings.tls()).isEqualTo(SmtpSettings.Tls.TLS);
      assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(45));
      assertThat(settings.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void smtpDefaultsToStartTlsOnTheSubmissionPortWithEightConnections() {
    SmtpSettings settings = SmtpSettings.fromConfig(herald(Map.of()).getConfig("transport.smtp"));

    assertThat(settings.tls()).isEqualTo(SmtpSettings.Tls.STARTTLS);
    assertThat(settings.port()).isEqualTo(587);
    assertThat(settings.connections()).isEqualTo(8);
    assertThat(settings.authenticates()).isFalse();
  }

  @Test
  void theUsualPortFollowsTheTlsMode() {
    assertThat(smtpWith("HERALD_SMTP_TLS", "none").port()).isEqualTo(25);
    assertThat(smtpWith("HERALD_SMTP_TLS", "tls").port()).isEqualTo(465);
  }

  @Test
  void badSettingsFailAtStart() {
    assertThatThrownBy(
            () -> MailTransports.fromConfig(herald(Map.of("HERALD_TRANSPORT", "carrier")), dataDir))
        .hasMessageContaining("pickup or smtp");
    assertThatThrownBy(() -> smtpWith("HERALD_SMTP_TLS", "ssl3"))
        .hasMessageContaining("none, starttls or tls");
    assertThatThrownBy(() -> smtpWith("HERALD_SMTP_CONNECTIONS", "0"))
        .hasMessageContaining("connections");
    assertThatThrownBy(() -> smtpWith("HERALD_SMTP_HOST", " ")).hasMessageContaining("host");
    assertThatThrownBy(() -> MailTransports.rateLimiter(herald(Map.of("HERALD_SEND_RATE", "-1"))))
        .hasMessageContaining("rate");
  }

  @Test
  void theSendRateIsUnlimitedUnlessSet() {
    assertThat(MailTransports.rateLimiter(herald(Map.of())).isUnlimited()).isTrue();

    RateLimiter limited = MailTransports.rateLimiter(herald(Map.of("HERALD_SEND_RATE", "14")));
    assertThat(limited.isUnlimited()).isFalse();
    assertThat(limited.permitsPerSecond()).isEqualTo(14);
  }

  private static SmtpSettings smtpWith(String variable, String value) {
    return SmtpSettings.fromConfig(herald(Map.of(variable, value)).getConfig("transport.smtp"));
  }

  /** transport.conf's {@code herald} section with these values standing in for the environment. */
  private static Config herald(Map<String, String> environment) {
    // ${?HERALD_...} resolves against the root, where these values sit beside herald.
    return ConfigFactory.parseMap(environment)
        .withFallback(ConfigFactory.parseResources("transport.conf"))
        .resolve(ConfigResolveOptions.noSystem())
        .getConfig("herald");
  }
}
