package io.herald.node.letter;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.mustachejava.util.HtmlEscaper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SandboxedMustacheTest {

  private static String escapedByMustache(String value) {
    var out = new StringWriter();
    HtmlEscaper.escape(value, out);
    return out.toString();
  }

  private static String escapedByUs(String value) {
    var out = new StringWriter();
    SandboxedMustache.HTML.encode(value, out);
    return out.toString();
  }

  @Test
  void everyCharacterIsEscapedExactlyAsMustacheWouldEscapeIt() {
    for (char c = 0; c < Character.MIN_SURROGATE; c++) {
      String value = "a" + c + "b";
      assertThat(escapedByUs(value)).as("char %d", (int) c).isEqualTo(escapedByMustache(value));
      assertThat(SandboxedMustache.needsEscaping(value))
          .as("char %d", (int) c)
          .isEqualTo(!escapedByMustache(value).equals(value));
    }
  }

  @Test
  void valuesWithNothingToEscapeAreWrittenAsTheyAre() {
    String link = "https://herald.example/t/c/abc.DEF_123-xyz?q=1";
    assertThat(escapedByUs("Zoë Ünïcode 東京")).isEqualTo("Zoë Ünïcode 東京");
    assertThat(escapedByUs(link)).isEqualTo(escapedByMustache(link));
    assertThat(escapedByUs("<b>&</b>")).isEqualTo("&lt;b&gt;&amp;&lt;/b&gt;");
  }

  @Test
  void plainTextIsNeverEscaped() {
    var out = new StringWriter();
    SandboxedMustache.PLAIN.encode("<b>&</b>", out);
    assertThat(out.toString()).isEqualTo("<b>&</b>");
  }
}
