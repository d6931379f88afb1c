package io.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.gateway.SegmentFilter.Activity;
import io.herald.gateway.SegmentFilter.ActivityCondition;
import io.herald.gateway.SegmentFilter.All;
import io.herald.gateway.SegmentFilter.Any;
import io.herald.gateway.SegmentFilter.AttributeCondition;
import io.herald.gateway.SegmentFilter.Bool;
import io.herald.gateway.SegmentFilter.Date;
import io.herald.gateway.SegmentFilter.Field;
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
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The one place where a segment filter's JSON is checked and turned into a {@link SegmentFilter}.
 * Each problem is a 422 whose message names the place in the tree, such as {@code filter.and[1].op:
 * unknown operator 'like'}.
 */
public final class SegmentFilters {

  /** Deepest nesting of {@code and}, {@code or} and {@code not}. */
  public static final int MAX_DEPTH = 10;

  /** Most objects in one filter. */
  public static final int MAX_NODES = 200;

  /** Most values of one {@code in}. */
  public static final int MAX_IN_VALUES = 500;

  /** Longest string value. */
  public static final int MAX_TEXT = 1000;

  /** Longest {@code within}. */
  public static final Duration MAX_WITHIN = Duration.ofDays(3660);

  /** Attribute keys a filter may name: plain words, so that no key needs quoting anywhere. */
  public static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");

  /**
   * Strings in attributes that count as dates: a date, or a date-time to the second with up to six
   * fraction digits, in UTC (an optional {@code Z}). Both databases recognise exactly these.
   */
  public static final Pattern STORED_DATE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?)?Z?");

  private static final Map<String, Op> OPS =
      Map.ofEntries(
          Map.entry("eq", Op.EQ),
          Map.entry("ne", Op.NE),
          Map.entry("lt", Op.LT),
          Map.entry("lte", Op.LTE),
          Map.entry("gt", Op.GT),
          Map.entry("gte", Op.GTE),
          Map.entry("in", Op.IN),
          Map.entry("contains", Op.CONTAINS),
          Map.entry("startsWith", Op.STARTS_WITH),
          Map.entry("endsWith", Op.ENDS_WITH),
          Map.entry("exists", Op.EXISTS));

  private static final Map<String, Field> FIELDS =
      Map.of(
          "email", Field.EMAIL,
          "name", Field.NAME,
          "createdAt", Field.CREATED_AT,
          "status", Field.STATUS);

  /** Global statuses a filter may name; UNSUBSCRIBED is accepted ahead of its arrival. */
  private static final Set<String> STATUSES =
      Set.of("active", "unsubscribed", "bounced", "complained", "blocklisted");

  private static final Set<String> FIELD_KEYS = Set.of("field", "op", "value");

  private static final Set<String> ATTRIBUTE_KEYS = Set.of("attribute", "op", "value");

  private final Predicate<String> knownList;
  private int nodes;

  private SegmentFilters(Predicate<String> knownList) {
    this.knownList = knownList;
  }

  /**
   * Checks a filter and builds its tree.
   *
   * @param knownList whether the account has a list with the given id
   * @param now the moment a relative {@code within} counts back from
   * @throws ApiError 422 {@code invalid_filter} naming the path of the first problem
   */
  public static SegmentFilter parse(JsonNode filter, Predicate<String> knownList, Instant now) {
    return new SegmentFilters(knownList).node(filter, "filter", 1, now);
  }

  /**
   * The filter with every relative {@code within} replaced by the absolute {@code since} it means
   * at {@code now}: what a campaign keeps, so that each of its queries asks the same question. The
   * filter must already be valid.
   */
  public static JsonNode freeze(JsonNode filter, Instant now) {
    JsonNode copy = filter.deepCopy();
    freezeInPlace(copy, now);
    return copy;
  }

  private static void freezeInPlace(JsonNode node, Instant now) {
    if (node instanceof ObjectNode object) {
      if (object.has("activity") && object.has("within")) {
        Duration within = Duration.parse(object.get("within").asText());
        object.remove("within");
        object.put("since", now.minus(within).toString());
      }
      object.elements().forEachRemaining(child -> freezeInPlace(child, now));
    } else if (node != null && node.isArray()) {
      node.elements().forEachRemaining(child -> freezeInPlace(child, now));
    }
  }

  private SegmentFilter node(JsonNode node, String path, int depth, Instant now) {
    if (node == null || !node.isObject()) {
      throw invalid(path, "must be an object, not " + typeOf(node));
    }
    if (++nodes > MAX_NODES) {
      throw invalid(path, "the filter has more than " + MAX_NODES + " conditions");
    }
    if (node.has("and") || node.has("or")) {
      String key = node.has("and") ? "and" : "or";
      onlyKeys(node, path, Set.of(key));
      if (depth >= MAX_DEPTH) {
        throw invalid(path, "nested deeper than " + MAX_DEPTH + " levels");
      }
      JsonNode parts = node.get(key);
      if (!parts.isArray() || parts.isEmpty()) {
        throw invalid(path + "." + key, "must be a non-empty array of conditions");
      }
      var out = new ArrayList<SegmentFilter>(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        out.add(node(parts.get(i), path + "." + key + "[" + i + "]", depth + 1, now));
      }
      return key.equals("and") ? new All(List.copyOf(out)) : new Any(List.copyOf(out));
    }
    if (node.has("not")) {
      onlyKeys(node, path, Set.of("not"));
      if (depth >= MAX_DEPTH) {
        throw invalid(path, "nested deeper than " + MAX_DEPTH + " levels");
      }
      return new Not(node(node.get("not"), path + ".not", depth + 1, now));
    }
    if (node.has("field")) {
      onlyKeys(node, path, FIELD_KEYS);
      return field(node, path);
    }
    if (node.has("attribute")) {
      onlyKeys(node, path, ATTRIBUTE_KEYS);
      return attribute(node, path);
    }
    if (node.has("list")) {
      onlyKeys(node, path, Set.of("list", "status"));
      return list(node, path);
    }
    if (node.has("activity")) {
      onlyKeys(node, path, Set.of("activity", "campaign", "within", "since"));
      return activity(node, path, now);
    }
    Iterator<String> names = node.fieldNames();
    throw invalid(
        path,
        names.hasNext()
            ? "unknown key '" + names.next() + "'"
            : "an empty object is no condition; use and, or, not, field, attribute, list or"
                + " activity");
  }

  private SegmentFilter field(JsonNode node, String path) {
    String name = text(node.get("field"), path + ".field");
    Field field = FIELDS.get(name);
    if (field == null) {
      throw invalid(
          path + ".field",
          "unknown field '" + name + "'; known fields are email, name, createdAt, status");
    }
    Op op = op(node, path);
    JsonNode value = node.get("value");
    String at = path + ".value";
    Operand operand =
        switch (field) {
          case EMAIL, NAME -> {
            if (op == Op.EXISTS) {
              yield presence(value, at);
            }
            yield textOperand(op, value, at, path);
          }
          case CREATED_AT -> {
            if (op != Op.LT && op != Op.LTE && op != Op.GT && op != Op.GTE) {
              throw invalid(path + ".op", "createdAt takes lt, lte, gt or gte");
            }
            yield new Date(date(value, at));
          }
          case STATUS -> {
            if (op == Op.EQ || op == Op.NE) {
              yield new Text(status(value, at));
            }
            if (op == Op.IN) {
              var statuses = new ArrayList<String>();
              JsonNode items = array(value, at);
              for (int i = 0; i < items.size(); i++) {
                statuses.add(status(items.get(i), at + "[" + i + "]"));
              }
              yield new Texts(List.copyOf(statuses));
            }
            throw invalid(path + ".op", "status takes eq, ne or in");
          }
        };
    return new FieldCondition(field, op, operand);
  }

  private SegmentFilter attribute(JsonNode node, String path) {
    String key = text(node.get("attribute"), path + ".attribute");
    if (!ATTRIBUTE_KEY.matcher(key).matches()) {
      throw invalid(
          path + ".attribute",
          "attribute keys in filters are 1 to 128 letters, digits, '_' or '-'");
    }
    Op op = op(node, path);
    JsonNode value = node.get("value");
    String at = path + ".value";
    Operand operand =
        switch (op) {
          case EXISTS -> presence(value, at);
          case EQ, NE -> {
            if (value != null && value.isNumber()) {
              yield new Number(value.doubleValue());
            }
            if (value != null && value.isBoolean()) {
              yield new Bool(value.booleanValue());
            }
            if (value != null && value.isTextual()) {
              yield new Text(boundedText(value, at));
            }
            throw invalid(at, "must be a string, a number or a boolean, not " + typeOf(value));
          }
          case LT, LTE, GT, GTE -> {
            if (value != null && value.isNumber()) {
              yield new Number(value.doubleValue());
            }
            if (value != null && value.isTextual()) {
              Instant date = dateOrNull(value.textValue());
              yield date != null ? new Date(date) : new Text(boundedText(value, at));
            }
            throw invalid(at, "must be a number, a date or a string, not " + typeOf(value));
          }
          case IN -> {
            JsonNode items = array(value, at);
            if (items.get(0).isNumber()) {
              var numbers = new ArrayList<Double>();
              for (int i = 0; i < items.size(); i++) {
                if (!items.get(i).isNumber()) {
                  throw invalid(at + "[" + i + "]", "must be a number like the first value");
                }
                numbers.add(items.get(i).doubleValue());
              }
              yield new Numbers(List.copyOf(numbers));
            }
            yield textList(items, at);
          }
          case CONTAINS, STARTS_WITH, ENDS_WITH -> new Text(nonEmptyText(value, at));
        };
    return new AttributeCondition(key, op, operand);
  }

  private SegmentFilter list(JsonNode node, String path) {
    String listId = text(node.get("list"), path + ".list");
    if (!knownList.test(listId)) {
      throw invalid(path + ".list", "list " + listId + " does not exist in this account");
    }
    MembershipStatus status = MembershipStatus.SUBSCRIBED;
    if (node.has("status")) {
      String raw = text(node.get("status"), path + ".status");
      status =
          switch (raw) {
            case "subscribed" -> MembershipStatus.SUBSCRIBED;
            case "unconfirmed" -> MembershipStatus.UNCONFIRMED;
            case "unsubscribed" -> MembershipStatus.UNSUBSCRIBED;
            default ->
                throw invalid(
                    path + ".status",
                    "unknown list status '"
                        + raw
                        + "'; use subscribed, unconfirmed or unsubscribed");
          };
    }
    return new ListCondition(listId, status);
  }

  private SegmentFilter activity(JsonNode node, String path, Instant now) {
    String raw = text(node.get("activity"), path + ".activity");
    Activity activity =
        switch (raw) {
          case "opened" -> Activity.OPENED;
          case "clicked" -> Activity.CLICKED;
          default ->
              throw invalid(
                  path + ".activity", "unknown activity '" + raw + "'; use opened or clicked");
        };
    String campaign = null;
    if (node.has("campaign")) {
      campaign = text(node.get("campaign"), path + ".campaign");
      if (campaign.length() > 64) {
        throw invalid(path + ".campaign", "is longer than 64 characters");
      }
    }
    if (node.has("within") && node.has("since")) {
      throw invalid(path, "give within or since, not both");
    }
    Instant since = null;
    if (node.has("within")) {
      String text = text(node.get("within"), path + ".within");
      Duration within;
      try {
        within = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw invalid(path + ".within", "'" + text + "' is not an ISO-8601 duration like P30D");
      }
      if (within.isNegative() || within.isZero() || within.compareTo(MAX_WITHIN) > 0) {
        throw invalid(
            path + ".within", "must be positive and at most " + MAX_WITHIN.toDays() + " days");
      }
      since = now.minus(within);
    }
    if (node.has("since")) {
      since = date(node.get("since"), path + ".since");
    }
    return new ActivityCondition(activity, campaign, since);
  }

  private Op op(JsonNode node, String path) {
    String raw = text(node.get("op"), path + ".op");
    Op op = OPS.get(raw);
    if (op == null) {
      throw invalid(path + ".op", "unknown operator '" + raw + "'");
    }
    if (op == Op.EXISTS) {
      return op;
    }
    if (!node.has("value")) {
      throw invalid(path + ".value", "is required for operator '" + raw + "'");
    }
    return op;
  }

  private Operand textOperand(Op op, JsonNode value, String at, String path) {
    return switch (op) {
      case EQ, NE, LT, LTE, GT, GTE -> new Text(boundedText(value, at));
      case CONTAINS, STARTS_WITH, ENDS_WITH -> new Text(nonEmptyText(value, at));
      case IN -> textList(array(value, at), at);
      default -> throw invalid(path + ".op", "operator does not apply to this field");
    };
  }

  private Texts textList(JsonNode items, String at) {
    var texts = new ArrayList<String>();
    for (int i = 0; i < items.size(); i++) {
      texts.add(boundedText(items.get(i), at + "[" + i + "]"));
    }
    return new Texts(List.copyOf(texts));
  }

  private static Presence presence(JsonNode value, String at) {
    if (value == null) {
      return new Presence(true);
    }
    if (!value.isBoolean()) {
      throw invalid(at, "must be true or false for exists, not " + typeOf(value));
    }
    return new Presence(value.booleanValue());
  }

  private static JsonNode array(JsonNode value, String at) {
    if (value == null || !value.isArray()) {
      throw invalid(at, "must be an array for in, not " + typeOf(value));
    }
    if (value.isEmpty() || value.size() > MAX_IN_VALUES) {
      throw invalid(at, "must hold 1 to " + MAX_IN_VALUES + " values, not " + value.size());
    }
    return value;
  }

  private static String status(JsonNode value, String at) {
    String raw = text(value, at);
    if (!STATUSES.contains(raw)) {
      throw invalid(
          at,
          "unknown status '"
              + raw
              + "'; use active, unsubscribed, bounced, complained or blocklisted");
    }
    return raw.toUpperCase(Locale.ROOT);
  }

  private static Instant date(JsonNode value, String at) {
    String raw = text(value, at);
    Instant date = dateOrNull(raw);
    if (date == null) {
      throw invalid(at, "'" + raw + "' is not an ISO-8601 date or date-time");
    }
    return date;
  }

  /**
   * The moment an ISO-8601 date ({@code 2026-05-01}, midnight UTC) or date-time (UTC unless it
   * names an offset) stands for; null for any other text.
   */
  public static Instant dateOrNull(String text) {
    if (text.length() < 10 || text.length() > 40 || !Character.isDigit(text.charAt(0))) {
      return null;
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      char last = text.charAt(text.length() - 1);
      if (last == 'Z' || text.lastIndexOf('+') > 10 || text.lastIndexOf('-') > 10) {
        return OffsetDateTime.parse(text).toInstant();
      }
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The moment an attribute's stored string stands for, when it is one of the {@link #STORED_DATE}
   * forms both databases recognise; null otherwise.
   */
  public static Instant storedDateOrNull(String text) {
    if (text == null || !STORED_DATE.matcher(text).matches()) {
      return null;
    }
    String iso = text.replace(' ', 'T');
    if (iso.endsWith("Z")) {
      iso = iso.substring(0, iso.length() - 1);
    }
    try {
      return iso.length() == 10
          ? LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant()
          : LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String nonEmptyText(JsonNode value, String at) {
    String text = boundedText(value, at);
    if (text.isEmpty()) {
      throw invalid(at, "must not be empty");
    }
    return text;
  }

  private static String boundedText(JsonNode value, String at) {
    String text = text(value, at);
    if (text.length() > MAX_TEXT) {
      throw invalid(at, "is longer than " + MAX_TEXT + " characters");
    }
    return text;
  }

  private static String text(JsonNode value, String at) {
    if (value == null || !value.isTextual()) {
      throw invalid(at, "must be a string, not " + typeOf(value));
    }
    return value.textValue();
  }

  private static void onlyKeys(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw invalid(path, "unknown key '" + name + "'");
      }
    }
  }

  private static String typeOf(JsonNode node) {
    return node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static ApiError invalid(String path, String problem) {
    return ApiError.unprocessable("invalid_filter", path + ": " + problem);
  }
}
