package io.herald.node.letter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LetterSettingsTest {

  @Test
  void theShippedConfigurationGivesTheDocumentedDefaults() {
    Config config = ConfigFactory.parseResources("herald.conf").resolve();

    LetterSettings settings = LetterSettings.fromConfig(config);

    assertThat(settings)
        .isEqualTo(
            new LetterSettings(
                "http://localhost:8080", 1 << 20, 1 << 20, 4 << 20, true, true, false));
    assertThat(config.getString("herald.tracking.secret")).isEmpty();
  }

  @Test
  void thePublicUrlLosesItsTrailingSlashAndNamesTheHost() {
    LetterSettings settings = LetterSettings.defaults("https://mail.example.com:8443/herald/");

    assertThat(settings.publicUrl()).isEqualTo("https://mail.example.com:8443/herald");
    assertThat(settings.host()).isEqualTo("mail.example.com");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "mail.example.com",
        "ftp://mail.example.com",
        "https://x.example.com/?a=1",
        "https://user@x.example.com",
        "https:///path"
      })
  void publicUrlsThatCannotPrefixALinkAreRefused(String url) {
    assertThatThrownBy(() -> LetterSettings.defaults(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("herald.public-url");
  }
}
