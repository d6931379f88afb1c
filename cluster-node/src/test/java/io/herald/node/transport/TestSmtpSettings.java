package io.herald.node.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;

/** SMTP settings for tests: transport.conf's defaults, with the test's own values on top. */
final class TestSmtpSettings {

  private TestSmtpSettings() {}

  /** transport.conf's {@code herald.transport.smtp}, ignoring the environment. */
  static Config defaults() {
    return ConfigFactory.parseResources("transport.conf")
        .resolve(ConfigResolveOptions.noSystem())
        .getConfig("herald.transport.smtp");
  }

  /** Plain SMTP to 127.0.0.1:{@code port}, with {@code hocon} overriding any default. */
  static SmtpSettings local(int port, String hocon) {
    return SmtpSettings.fromConfig(
        ConfigFactory.parseString(hocon)
            .withFallback(
                ConfigFactory.parseString("host = \"127.0.0.1\", tls = none, port = " + port))
            .withFallback(defaults()));
  }
}
