package io.herald.gateway;

import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import java.time.Instant;
import java.util.List;

/**
 * A segment's filter as a checked tree: what {@link SegmentFilters#parse} makes of the JSON a
 * client sends, and what the node compiles into a parameterised SQL predicate. Every value here has
 * been validated; nothing in it is SQL.
 */
public sealed interface SegmentFilter {

  /** Every part holds ({@code "and"}). */
  record All(List<SegmentFilter> parts) implements SegmentFilter {}

  /** At least one part holds ({@code "or"}). */
  record Any(List<SegmentFilter> parts) implements SegmentFilter {}

  /** The part does not hold ({@code "not"}). */
  record Not(SegmentFilter part) implements SegmentFilter {}

  /** A condition on one of the subscriber's own fields. */
  record FieldCondition(Field field, Op op, Operand value) implements SegmentFilter {}

  /** A condition on one top-level attribute. */
  record AttributeCondition(String key, Op op, Operand value) implements SegmentFilter {}

  /** The subscriber is on the list with this membership status. */
  record ListCondition(String listId, MembershipStatus status) implements SegmentFilter {}

  /**
   * The subscriber opened or clicked (a campaign, when {@code campaignId} is not null; any
   * otherwise) at or after {@code since} (any time when null).
   */
  record ActivityCondition(Activity activity, String campaignId, Instant since)
      implements SegmentFilter {}

  /** The subscriber fields a filter may test. */
  enum Field {
    EMAIL,
    NAME,
    CREATED_AT,
    STATUS
  }

  /** Kinds of engagement a filter may test. */
  enum Activity {
    OPENED,
    CLICKED
  }

  /** Comparison operators. */
  enum Op {
    EQ,
    NE,
    LT,
    LTE,
    GT,
    GTE,
    IN,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH,
    EXISTS
  }

  /** The right-hand side of a condition, typed. */
  sealed interface Operand {}

  /** A string, compared as a string (by code point). */
  record Text(String value) implements Operand {}

  /** A number, compared as a number. */
  record Number(double value) implements Operand {}

  /** A boolean. */
  record Bool(boolean value) implements Operand {}

  /** A moment, compared as a date (ISO-8601 date or date-time, UTC unless an offset is given). */
  record Date(Instant value) implements Operand {}

  /** The strings of an {@code in}. */
  record Texts(List<String> values) implements Operand {}

  /** The numbers of an {@code in}. */
  record Numbers(List<Double> values) implements Operand {}

  /** Whether an {@code exists} asks for presence (true) or absence (false). */
  record Presence(boolean present) implements Operand {}
}
