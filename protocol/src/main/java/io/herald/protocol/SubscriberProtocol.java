package io.herald.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a subscriber partition understands, answers and records.
 *
 * <p>Subscribers are held by partitions: one sharded entity per (account, partition), each owning
 * the subscribers whose ids hash to it. Every write is a command to the partition, and the
 * partition writes the commands that arrive together as one event, so that bulk paths (imports,
 * unsubscribes from a campaign) never cost one journal write per person.
 */
public final class SubscriberProtocol {

  /** Sharding key of a subscriber partition; see {@link SubscriberKeys#entityId}. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "SubscriberPartition");

  private SubscriberProtocol() {}

  /** Commands to a partition. */
  public sealed interface Command extends CborSerializable
      permits Upsert, UpsertMany, Get, Erase, Unsubscribe, SetStatus, Confirm, Flush {}

  /**
   * Creates the subscriber, or updates the existing one: a given name replaces the old one, given
   * attributes are merged over the old ones key by key, and given lists are added.
   */
  public record Upsert(SubscriberInput input, ActorRef<Reply> replyTo) implements Command {}

  /** How a bulk upsert treats each of its rows. */
  public enum UpsertMode {
    /** Create or update, as {@link Upsert} does. */
    SUBSCRIBE,
    /** Update subscribers that exist; a row of an unknown address is refused. */
    UPDATE,
    /**
     * Put the address on the suppression list ({@link SubscriberStatus#BLOCKLISTED}), creating a
     * record that holds only the address when the person is unknown. Names, attributes and lists of
     * the row are ignored.
     */
    BLOCKLIST
  }

  /**
   * Many rows at once, as an import sends the slice of a file that belongs to this partition: the
   * partition writes them all as one journal event and answers {@link BulkUpserted} once it is
   * stored. Every address must belong to this partition and be valid (callers check with {@link
   * EmailAddress#parse} and {@link SubscriberKeys}); rows of the same address are applied in order.
   */
  public record UpsertMany(
      List<SubscriberInput> inputs, UpsertMode mode, ActorRef<BulkUpserted> replyTo)
      implements Command {}

  /**
   * What became of the rows of an {@link UpsertMany}: how many created a subscriber, how many
   * changed an existing one, and the rows refused, by their index in the command.
   */
  public record BulkUpserted(int created, int updated, List<RowRefusal> refused)
      implements CborSerializable {}

  /** A row of an {@link UpsertMany} that was not applied, and why. */
  public record RowRefusal(int index, String reason) implements CborSerializable {}

  /**
   * Sets the global status of the subscriber with this address: a suppression (any status but
   * {@link SubscriberStatus#ACTIVE}) or its lifting (ACTIVE). An unknown address with a suppression
   * gets a record that holds only the address, so that a later sign-up stays suppressed. Answers
   * {@link Upserted}, or {@link NotFound} when lifting the suppression of an unknown address.
   */
  public record SetStatus(String email, SubscriberStatus status, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Confirms the subscriber's unconfirmed membership of a double opt-in list. Answers {@link
   * Upserted}, or {@link NotFound} when there is no such subscriber or membership.
   */
  public record Confirm(String subscriberId, String listId, ActorRef<Reply> replyTo)
      implements Command {}

  /** Answers the subscriber with this id. */
  public record Get(String subscriberId, ActorRef<Reply> replyTo) implements Command {}

  /** Erases every personal detail of the subscriber (the right to be forgotten). */
  public record Erase(String subscriberId, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Marks the subscriber unsubscribed from the given lists (from all their lists when none are
   * given). Answers {@link Upserted} with the subscriber as it now stands, or {@link NotFound}.
   */
  public record Unsubscribe(String subscriberId, List<String> listIds, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Sent by a partition to itself: write the commands gathered since the last write as one event.
   * Never sent from outside.
   */
  public record Flush() implements Command {}

  /**
   * What a caller gives to create or update a subscriber. A null name or attributes leaves the
   * stored value as it is; attributes are a JSON object. The person joins {@code listIds} as
   * subscribed and {@code unconfirmedListIds} (double opt-in lists) as unconfirmed; lists they
   * already belong to keep their membership.
   */
  public record SubscriberInput(
      String email,
      String name,
      ObjectNode attributes,
      List<String> listIds,
      List<String> unconfirmedListIds)
      implements CborSerializable {

    /** An input that joins lists as subscribed only. */
    public SubscriberInput(String email, String name, ObjectNode attributes, List<String> listIds) {
      this(email, name, attributes, listIds, List.of());
    }
  }

  /** Replies of a partition. */
  public sealed interface Reply extends CborSerializable
      permits Upserted, Found, Erased, NotFound {}

  /** The subscriber after the upsert; {@code created} tells whether it is new. */
  public record Upserted(Subscriber subscriber, boolean created) implements Reply {}

  /** The subscriber asked for. */
  public record Found(Subscriber subscriber) implements Reply {}

  /** The subscriber's data is gone. */
  public record Erased(String subscriberId) implements Reply {}

  /** No subscriber with that id in this account. */
  public record NotFound() implements Reply {}

  /**
   * A person's global standing, whatever their lists say. Every status but {@link #ACTIVE} puts the
   * address on the account's suppression list: nothing is sent to it from any list or segment.
   */
  public enum SubscriberStatus {
    ACTIVE,
    /** Left every list of the account (unsubscribed from all). */
    UNSUBSCRIBED,
    BOUNCED,
    COMPLAINED,
    BLOCKLISTED
  }

  /** A person's standing on one list. */
  public enum MembershipStatus {
    UNCONFIRMED,
    SUBSCRIBED,
    UNSUBSCRIBED
  }

  /** A person's membership of one list. */
  public record Membership(String listId, MembershipStatus status, Instant since)
      implements CborSerializable {}

  /**
   * A subscriber as a partition holds it. Attributes are a JSON object kept as a tree (never
   * changed in place once built), so that numbers, nesting and nulls survive every hop. {@code
   * statusSince} is when the global status last changed (the creation time while it never has).
   */
  public record Subscriber(
      String id,
      String email,
      String name,
      ObjectNode attributes,
      SubscriberStatus status,
      Instant statusSince,
      List<Membership> lists,
      Instant createdAt,
      Instant updatedAt)
      implements CborSerializable {

    /** Whether nothing may be sent to this person (any global status but active). */
    public boolean suppressed() {
      return status != SubscriberStatus.ACTIVE;
    }

    /**
     * This subscriber with another global status from {@code at}; the same when it is unchanged.
     */
    public Subscriber withStatus(SubscriberStatus newStatus, Instant at) {
      if (newStatus == status) {
        return this;
      }
      return new Subscriber(id, email, name, attributes, newStatus, at, lists, createdAt, at);
    }

    /** This subscriber with other list memberships, changed at {@code at}. */
    public Subscriber withLists(List<Membership> newLists, Instant at) {
      return new Subscriber(
          id, email, name, attributes, status, statusSince, List.copyOf(newLists), createdAt, at);
    }
  }

  /** What a partition records. */
  public sealed interface Event extends CborSerializable
      permits SubscribersUpserted, SubscriberErased {}

  /** Subscribers created or changed together, each as it stands after the change. */
  public record SubscribersUpserted(List<Subscriber> subscribers) implements Event {}

  /** A subscriber's data was erased; only the id remains, in no read model. */
  public record SubscriberErased(String subscriberId, Instant erasedAt) implements Event {}

  /** What a partition saved as its snapshot before it packed them: every subscriber it holds. */
  public record PartitionSnapshot(List<Subscriber> subscribers) implements CborSerializable {}

  /**
   * What a partition saves as its snapshot: every subscriber it holds, in the partition's packed
   * form (a format of the partition's own, versioned in its first byte).
   */
  public record PackedPartitionSnapshot(byte[] packed) implements CborSerializable {

    @Override
    public boolean equals(Object other) {
      return other instanceof PackedPartitionSnapshot that
          && java.util.Arrays.equals(packed, that.packed);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(packed);
    }

    @Override
    public String toString() {
      return "PackedPartitionSnapshot[" + packed.length + " bytes]";
    }
  }
}
