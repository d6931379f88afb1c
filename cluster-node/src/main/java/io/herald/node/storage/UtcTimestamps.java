package io.herald.node.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * How the read model stores an instant: as UTC wall-clock time without a zone, to the microsecond,
 * so that the same value comes back whatever the server's, the driver's or the JVM's zone.
 *
 * <p>H2 takes a {@code LocalDateTime}. MySQL takes text: MariaDB 10 announces itself to Connector/J
 * as server version 5.5.5, older than fractional seconds (5.6.4), so the driver would drop the
 * microseconds of a bound {@code LocalDateTime}; reading them back is not affected.
 */
public final class UtcTimestamps {

  private static final DateTimeFormatter TEXT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  private UtcTimestamps() {}

  /** The column value of an instant; nanoseconds beyond the microsecond are dropped. */
  public static LocalDateTime toColumn(Instant instant) {
    return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /** Binds an instant to a statement parameter in the way the vendor keeps its microseconds. */
  public static void bind(
      PreparedStatement statement, int index, Instant instant, DatabaseSettings.Kind kind)
      throws SQLException {
    if (kind == DatabaseSettings.Kind.MYSQL) {
      statement.setString(index, textOf(instant));
    } else {
      statement.setObject(index, toColumn(instant));
    }
  }

  /** An instant and its MySQL text. */
  private record Text(Instant instant, String text) {}

  /**
   * The last instant written as text: the rows of one import share their times, so most of a
   * batch's times are the same instant. Immutable, so threads that race on it lose nothing.
   */
  private static volatile Text last = new Text(Instant.EPOCH, toText(toColumn(Instant.EPOCH)));

  static String textOf(Instant instant) {
    Text known = last;
    if (known.instant().equals(instant)) {
      return known.text();
    }
    String text = toText(toColumn(instant));
    last = new Text(instant, text);
    return text;
  }

  /**
   * The MySQL text of a column value, {@code uuuu-MM-dd HH:mm:ss.SSSSSS}: written digit by digit,
   * since the read model writes several per subscriber and a {@code DateTimeFormatter} cost more
   * than the rest of the row's values.
   */
  static String toText(LocalDateTime value) {
    int year = value.getYear();
    if (year < 0 || year > 9999) {
      return TEXT.format(value);
    }
    char[] text = new char[26];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, value.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, value.getDayOfMonth(), 2);
    text[10] = ' ';
    digits(text, 11, value.getHour(), 2);
    text[13] = ':';
    digits(text, 14, value.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, value.getSecond(), 2);
    text[19] = '.';
    digits(text, 20, value.getNano() / 1000, 6);
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The instant of a column value. */
  public static Instant fromColumn(LocalDateTime value) {
    return value.toInstant(ZoneOffset.UTC);
  }
}
