package io.herald.node.segment;

import io.herald.gateway.SegmentFilter;
import io.herald.gateway.SegmentFilter.ActivityCondition;
import io.herald.gateway.SegmentFilter.All;
import io.herald.gateway.SegmentFilter.Any;
import io.herald.gateway.SegmentFilter.AttributeCondition;
import io.herald.gateway.SegmentFilter.Bool;
import io.herald.gateway.SegmentFilter.Date;
import io.herald.gateway.SegmentFilter.FieldCondition;
import io.herald.gateway.SegmentFilter.ListCondition;
import io.herald.gateway.SegmentFilter.Not;
import io.herald.gateway.SegmentFilter.Number;
import io.herald.gateway.SegmentFilter.Numbers;
import io.herald.gateway.SegmentFilter.Op;
import io.herald.gateway.SegmentFilter.Operand;
import io.herald.gateway.SegmentFilter.Presence;
import io.herald.gateway.SegmentFilter.Text;
import io.herald.gateway.SegmentFilter.Texts;
import io.herald.node.storage.DatabaseSettings.Kind;
import io.herald.node.storage.UtcTimestamps;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Compiles a checked {@link SegmentFilter} into a SQL predicate over the read model's {@code
 * subscribers} row aliased {@code s}. Every value is a bound parameter; every identifier and
 * keyword comes from this class. The predicate is two-valued: a condition on something missing (no
 * name, no such attribute, an attribute of another type) is false, never unknown, so {@code not} is
 * the exact complement and {@code ne} means "not eq".
 *
 * <p>Attributes are JSON text. On MySQL and MariaDB they are read with the JSON functions; on H2
 * with the Java functions of {@link H2Attributes}, registered by the V6 migration. Both read the
 * top-level key only, and a condition matches only a value of its own type: strings compare by code
 * point, numbers as doubles (a string holding a plain decimal number, as every CSV cell is text,
 * counts as a number), and ordering operators with a date compare against strings holding a {@link
 * io.herald.gateway.SegmentFilters#STORED_DATE} date. On MySQL the subscriber columns are {@code
 * utf8mb4_bin} and attribute strings are cast to binary, so strings compare by bytes whatever the
 * connection's collation, as they do on H2.
 */
public final class SegmentSql {

  /** Sets one parameter. */
  @FunctionalInterface
  public interface Binding {
    /** Binds the value at the index. */
    void bind(PreparedStatement statement, int index) throws SQLException;
  }

  /** A predicate and its parameters, in order. */
  public record Predicate(String sql, List<Binding> bindings) {

    /** Binds the parameters starting at {@code first}; answers the next free index. */
    public int bind(PreparedStatement statement, int first) throws SQLException {
      int i = first;
      for (Binding b : bindings) {
        b.bind(statement, i++);
      }
      return i;
    }
  }

  /** A number written as text, as a CSV cell holds it; {@link H2Attributes} reads the same. */
  private static final String MYSQL_NUMBER_PATTERN = "'^-?[0-9]+([.][0-9]+)?$'";

  private static final String MYSQL_DATE_PATTERN =
      "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?)?Z?$'";

  private final Kind kind;
  private final boolean forCount;
  private final StringBuilder sql = new StringBuilder();
  private final List<Binding> bindings = new ArrayList<>();

  private SegmentSql(Kind kind, boolean forCount) {
    this.kind = kind;
    this.forCount = forCount;
  }

  /**
   * The predicate of a filter for the vendor, for a walk along the subscribers' primary key (pages,
   * audiences). Column conditions are written so that no index on them can serve them: given one,
   * H2 would walk that index instead and sort every match to find the first page.
   */
  public static Predicate compile(SegmentFilter filter, Kind kind) {
    return compile(filter, kind, false);
  }

  /**
   * The predicate of a filter for the vendor, for a count: conditions on a subscriber's status,
   * address and creation time are bare comparisons, so an index on them can serve them (a status
   * count then reads its index range instead of every subscriber).
   */
  public static Predicate compileForCount(SegmentFilter filter, Kind kind) {
    return compile(filter, kind, true);
  }

  private static Predicate compile(SegmentFilter filter, Kind kind, boolean forCount) {
    var compiler = new SegmentSql(kind, forCount);
    compiler.node(filter);
    return new Predicate(compiler.sql.toString(), List.copyOf(compiler.bindings));
  }

  private void node(SegmentFilter filter) {
    if (filter instanceof All all) {
      join(all.parts(), " AND ");
    } else if (filter instanceof Any any) {
      join(any.parts(), " OR ");
    } else if (filter instanceof Not not) {
      sql.append("NOT (");
      node(not.part());
      sql.append(')');
    } else if (filter instanceof FieldCondition c) {
      field(c);
    } else if (filter instanceof AttributeCondition c) {
      attribute(c);
    } else if (filter instanceof ListCondition c) {
      sql.append(
          "EXISTS (SELECT 1 FROM list_members m WHERE m.account_id = s.account_id"
              + " AND m.list_id = ? AND m.subscriber_id = s.id AND m.status = ?)");
      text(c.listId());
      text(c.status().name());
    } else if (filter instanceof ActivityCondition c) {
      activity(c);
    } else {
      throw new IllegalArgumentException("unknown filter node " + filter);
    }
  }

  /**
   * The parts joined by AND or OR, cheapest first: both vendors evaluate a row's conditions in the
   * order written and stop at the first that decides, so a column test spares the JSON reads and a
   * JSON read spares the look-ups in other tables. The predicate is two-valued, so the order does
   * not change what matches.
   */
  private void join(List<SegmentFilter> parts, String operator) {
    List<SegmentFilter> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(SegmentSql::cost));
    sql.append('(');
    for (int i = 0; i < ordered.size(); i++) {
      if (i > 0) {
        sql.append(operator);
      }
      node(ordered.get(i));
    }
    sql.append(')');
  }

  /** A rough rank of what a condition costs a row: columns, then JSON, then other tables. */
  private static int cost(SegmentFilter filter) {
    if (filter instanceof FieldCondition) {
      return 0;
    } else if (filter instanceof AttributeCondition) {
      return 1;
    } else if (filter instanceof ListCondition) {
      return 2;
    } else if (filter instanceof ActivityCondition) {
      return 3;
    } else if (filter instanceof Not not) {
      return cost(not.part());
    } else if (filter instanceof All all) {
      return all.parts().stream().mapToInt(SegmentSql::cost).max().orElse(0);
    } else if (filter instanceof Any any) {
      return any.parts().stream().mapToInt(SegmentSql::cost).max().orElse(0);
    }
    return 3;
  }

  private void field(FieldCondition c) {
    switch (c.field()) {
      case EMAIL -> {
        if (c.op() == Op.EXISTS) {
          sql.append(((Presence) c.value()).present() ? "1 = 1" : "1 = 0");
        } else {
          compareColumn("s.email", c.op(), c.value());
        }
      }
      case NAME -> {
        if (c.op() == Op.EXISTS) {
          sql.append(((Presence) c.value()).present() ? "s.name IS NOT NULL" : "s.name IS NULL");
        } else {
          compare("s.name", c.op(), c.value(), null);
        }
      }
      case STATUS -> compareColumn("s.status", c.op(), c.value());
      case CREATED_AT -> compareColumn("s.created_at", c.op(), c.value());
    }
  }

  private void attribute(AttributeCondition c) {
    String key = c.key();
    Operand value = c.value();
    if (c.op() == Op.EXISTS) {
      boolean present = ((Presence) value).present();
      if (kind == Kind.H2) {
        sql.append(present ? "" : "NOT ").append("HERALD_ATTR_PRESENT(s.attributes, ?)");
        text(key);
      } else {
        sql.append(present ? "" : "NOT ")
            .append("COALESCE(JSON_TYPE(JSON_EXTRACT(s.attributes, ?)) <> 'NULL', FALSE)");
        text(path(key));
      }
      return;
    }
    String type =
        value instanceof Number || value instanceof Numbers
            ? "NUMBER"
            : value instanceof Bool ? "BOOL" : value instanceof Date ? "DATE" : "TEXT";
    if (kind == Kind.H2) {
      text(key);
      compare("HERALD_ATTR_" + type + "(s.attributes, ?)", c.op(), value, null);
      return;
    }
    // MySQL: the value read once and compared, and only when that matches, its JSON type checked
    // (AND stops at the first false): one JSON call for most rows instead of three.
    String path = path(key);
    String typeOf = "JSON_TYPE(JSON_EXTRACT(s.attributes, ?))";
    switch (type) {
      case "NUMBER" -> {
        text(path);
        compare(
            "CAST(JSON_VALUE(s.attributes, ?) AS DOUBLE)",
            c.op(),
            value,
            () -> {
              text(path);
              text(path);
              text(path);
              text(path);
              // PCRE's $ also matches before a final line break, which the text must not have.
              return "("
                  + typeOf
                  + " IN ('INTEGER', 'DOUBLE', 'DECIMAL', 'UNSIGNED INTEGER') OR ("
                  + typeOf
                  + " = 'STRING' AND JSON_VALUE(s.attributes, ?) REGEXP "
                  + MYSQL_NUMBER_PATTERN
                  + " AND LOCATE(CHAR(10), JSON_VALUE(s.attributes, ?)) = 0))";
            });
      }
      case "BOOL" -> {
        text(path);
        text(path);
        compare(
            "CASE WHEN CAST(JSON_EXTRACT(s.attributes, ?) AS CHAR) = 'true' THEN TRUE"
                + " WHEN CAST(JSON_EXTRACT(s.attributes, ?) AS CHAR) = 'false' THEN FALSE END",
            c.op(),
            value,
            null);
      }
      case "DATE" -> {
        text(path);
        compare(
            "CAST(REPLACE(REPLACE(JSON_VALUE(s.attributes, ?), 'T', ' '), 'Z', '')"
                + " AS DATETIME(6))",
            c.op(),
            value,
            () -> {
              text(path);
              text(path);
              text(path);
              return typeOf
                  + " = 'STRING' AND JSON_VALUE(s.attributes, ?) REGEXP "
                  + MYSQL_DATE_PATTERN
                  + " AND LOCATE(CHAR(10), JSON_VALUE(s.attributes, ?)) = 0";
            });
      }
      default -> {
        text(path);
        compare(
            "CAST(JSON_VALUE(s.attributes, ?) AS BINARY)",
            c.op(),
            value,
            () -> {
              text(path);
              return typeOf + " = 'STRING'";
            });
      }
    }
  }

  private static String path(String key) {
    // The key is letters, digits, '_' and '-' only (SegmentFilters.ATTRIBUTE_KEY): quoting it
    // as a JSON path member needs no escaping.
    return "$.\"" + key + "\"";
  }

  /**
   * A comparison with a column that is never null: in a count bare, so that an index on the column
   * serves it (wrapped in COALESCE, as {@link #compare} must, it is evaluated row by row).
   */
  private void compareColumn(String column, Op op, Operand value) {
    if (!forCount) {
      compare(column, op, value, null);
      return;
    }
    if (op == Op.NE) {
      sql.append("NOT ");
      compareColumn(column, Op.EQ, value);
      return;
    }
    sql.append('(');
    comparison(column, op, value);
    sql.append(')');
  }

  /** What a guard adds to a comparison: SQL that binds its own parameters when asked for. */
  @FunctionalInterface
  private interface Guard {
    String sql();
  }

  /**
   * A comparison that is false, not unknown, when the left side is null, and false unless the guard
   * (when given) holds; the guard is evaluated after the comparison.
   */
  private void compare(String left, Op op, Operand value, Guard guard) {
    if (op == Op.NE) {
      sql.append("NOT ");
      compare(left, Op.EQ, value, guard);
      return;
    }
    sql.append("COALESCE(");
    comparison(left, op, value);
    if (guard != null) {
      sql.append(" AND ").append(guard.sql());
    }
    sql.append(", FALSE)");
  }

  private void comparison(String left, Op op, Operand value) {
    sql.append(left);
    switch (op) {
      case EQ -> sql.append(" = ").append(right(value));
      case LT -> sql.append(" < ").append(right(value));
      case LTE -> sql.append(" <= ").append(right(value));
      case GT -> sql.append(" > ").append(right(value));
      case GTE -> sql.append(" >= ").append(right(value));
      case IN -> {
        int n = value instanceof Texts t ? t.values().size() : ((Numbers) value).values().size();
        sql.append(" IN (").append(String.join(", ", Collections.nCopies(n, "?"))).append(')');
        if (value instanceof Texts t) {
          t.values().forEach(this::text);
        } else {
          ((Numbers) value).values().forEach(this::number);
        }
      }
      case CONTAINS, STARTS_WITH, ENDS_WITH -> {
        String escaped = likeEscaped(((Text) value).value());
        String pattern =
            switch (op) {
              case CONTAINS -> "%" + escaped + "%";
              case STARTS_WITH -> escaped + "%";
              default -> "%" + escaped;
            };
        sql.append(" LIKE ? ESCAPE '!'");
        text(pattern);
      }
      default -> throw new IllegalArgumentException("no comparison for " + op);
    }
  }

  private String right(Operand value) {
    if (value instanceof Text t) {
      text(t.value());
    } else if (value instanceof Number n) {
      number(n.value());
    } else if (value instanceof Bool b) {
      bindings.add((st, i) -> st.setBoolean(i, b.value()));
    } else if (value instanceof Date d) {
      instant(d.value());
    } else {
      throw new IllegalArgumentException("no single value in " + value);
    }
    return "?";
  }

  private void activity(ActivityCondition c) {
    String table =
        c.activity() == SegmentFilter.Activity.OPENED ? "campaign_opens" : "campaign_clicks";
    sql.append("EXISTS (SELECT 1 FROM ")
        .append(table)
        .append(" a WHERE a.account_id = s.account_id AND a.subscriber_id = s.id");
    if (c.campaignId() != null) {
      sql.append(" AND a.campaign_id = ?");
      text(c.campaignId());
    }
    if (c.since() != null) {
      sql.append(" AND a.first_at >= ?");
      instant(c.since());
    }
    sql.append(')');
  }

  private static String likeEscaped(String value) {
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private void text(String value) {
    bindings.add((st, i) -> st.setString(i, value));
  }

  private void number(double value) {
    bindings.add((st, i) -> st.setDouble(i, value));
  }

  private void instant(Instant value) {
    Kind k = kind;
    bindings.add((st, i) -> UtcTimestamps.bind(st, i, value, k));
  }
}
