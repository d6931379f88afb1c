package io.herald.node.segment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class H2AttributesTest {

  @ParameterizedTest
  @CsvSource({"31, 31.0", "-2.5, -2.5", "007, 7.0", "0.125, 0.125", "-0, 0.0"})
  void textHoldingAPlainDecimalIsANumber(String text, double expected) {
    assertThat(H2Attributes.numberInText(text)).isEqualTo(expected);
    assertThat(H2Attributes.number("{\"n\":\"" + text + "\"}", "n")).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "3.", ".5", "1e3", " 3", "3 ", "+3", "1,5", "٣", "0x10", "NaN"})
  void anyOtherTextIsNot(String text) {
    assertThat(H2Attributes.numberInText(text)).isNull();
    assertThat(H2Attributes.number("{\"n\":\"" + text + "\"}", "n")).isNull();
    assertThat(H2Attributes.text("{\"n\":\"" + text + "\"}", "n")).isEqualTo(text);
  }
}
