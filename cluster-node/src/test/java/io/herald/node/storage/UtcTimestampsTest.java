package io.herald.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcTimestampsTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-04T15:58:11.123456",
        "0001-01-01T00:00",
        "1970-01-01T00:00:00.000001",
        "9999-12-31T23:59:59.999999",
        "2024-02-29T09:05:03.04",
        "+10000-01-01T00:00",
        "-0001-06-15T12:30"
      })
  void writesTheTextMySqlReadsForAnyTime(String time) {
    LocalDateTime value = LocalDateTime.parse(time);

    assertThat(UtcTimestamps.toText(value)).isEqualTo(REFERENCE.format(value));
  }

  @org.junit.jupiter.api.Test
  void agreesWithTheFormatterOnRandomTimes() {
    var random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      LocalDateTime value =
          LocalDateTime.of(
              random.nextInt(0, 10_000),
              random.nextInt(1, 13),
              random.nextInt(1, 29),
              random.nextInt(0, 24),
              random.nextInt(0, 60),
              random.nextInt(0, 60),
              random.nextInt(0, 1_000_000) * 1000);

      assertThat(UtcTimestamps.toText(value)).isEqualTo(REFERENCE.format(value));
    }
  }

  @org.junit.jupiter.api.Test
  void theTextOfAnInstantIsItsUtcTimeToTheMicrosecondAgainAndAgain() {
    java.time.Instant first = java.time.Instant.parse("2026-12-04T15:58:11.123456789Z");
    java.time.Instant second = java.time.Instant.parse("1999-01-02T03:04:05Z");

    assertThat(UtcTimestamps.textOf(first)).isEqualTo("2026-12-04 15:58:11.123456");
    assertThat(UtcTimestamps.textOf(first)).isEqualTo("2026-12-04 15:58:11.123456");
    assertThat(UtcTimestamps.textOf(second)).isEqualTo("1999-01-02 03:04:05.000000");
    assertThat(UtcTimestamps.textOf(first)).isEqualTo("2026-12-04 15:58:11.123456");
  }
}
