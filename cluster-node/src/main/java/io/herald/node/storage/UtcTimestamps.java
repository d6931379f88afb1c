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
    LocalDateTime value = toColumn(instant);
    if (kind == DatabaseSettings.Kind.MYSQL) {
      statement.setString(index, TEXT.format(value));
    } else {
      statement.setObject(index, value);
    }
  }

  /** The instant of a column value. */
  public static Instant fromColumn(LocalDateTime value) {
    return value.toInstant(ZoneOffset.UTC);
  }
}
