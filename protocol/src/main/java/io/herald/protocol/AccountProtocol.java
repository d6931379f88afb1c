package io.herald.protocol;

import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What an Account entity understands, answers and records. An account is the tenant: it owns its
 * API key hashes and its mailing lists; every other resource names the account it belongs to.
 */
public final class AccountProtocol {

  /** Sharding key of the Account entity; the entity id is the account id. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Account");

  private AccountProtocol() {}

  /** Commands to an account. */
  public sealed interface Command extends CborSerializable
      permits Create, Authenticate, AddApiKey, CreateList, GetSummary, SaveSegment, DeleteSegment {}

  /** Opens the account; refused when it already exists. */
  public record Create(String name, String apiKeyHash, int partitions, ActorRef<Reply> replyTo)
      implements Command {}

  /** Answers {@link Found} when the hash belongs to this account, else {@link NotFound}. */
  public record Authenticate(String apiKeyHash, ActorRef<Reply> replyTo) implements Command {}

  /** Adds another API key, for rotation. */
  public record AddApiKey(String apiKeyHash, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Creates a mailing list with an id chosen by the caller. A double opt-in list takes new members
   * as unconfirmed until they follow the link of their confirmation letter.
   */
  public record CreateList(String listId, String name, boolean doubleOptIn, ActorRef<Reply> replyTo)
      implements Command {

    /** A list that takes members at once (single opt-in). */
    public CreateList(String listId, String name, ActorRef<Reply> replyTo) {
      this(listId, name, false, replyTo);
    }
  }

  /** Answers the account's summary, lists included. */
  public record GetSummary(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Creates a segment with an id chosen by the caller ({@code create} true), or replaces the name
   * and filter of an existing one. The filter is JSON text the gateway has already validated.
   */
  public record SaveSegment(
      String segmentId, String name, String filter, boolean create, ActorRef<Reply> replyTo)
      implements Command {}

  /** Deletes a segment; campaigns already sending keep the filter they froze. */
  public record DeleteSegment(String segmentId, ActorRef<Reply> replyTo) implements Command {}

  /** Replies of an account. */
  public sealed interface Reply extends CborSerializable
      permits Found, ListCreated, SegmentSaved, NotFound, Refused {}

  /** The account as it stands. */
  public record Found(AccountSummary account) implements Reply {}

  /** The list just created. */
  public record ListCreated(MailingList list) implements Reply {}

  /** The segment as saved. */
  public record SegmentSaved(Segment segment) implements Reply {}

  /** No such account, or (for {@link Authenticate}) a key that is not this account's. */
  public record NotFound() implements Reply {}

  /** The command conflicts with the state: {@code code} names why. */
  public record Refused(String code, String message) implements Reply {}

  /** The public face of an account. */
  public record AccountSummary(
      String id,
      String name,
      int partitions,
      List<MailingList> lists,
      List<Segment> segments,
      Instant createdAt)
      implements CborSerializable {

    /** Summaries recorded before segments existed have none. */
    public AccountSummary {
      segments = segments == null ? List.of() : segments;
    }

    /** The account's segment with this id, if any. */
    public java.util.Optional<Segment> segment(String segmentId) {
      return segments.stream().filter(s -> s.id().equals(segmentId)).findFirst();
    }

    /** Whether the account has a list with this id. */
    public boolean hasList(String listId) {
      return lists.stream().anyMatch(l -> l.id().equals(listId));
    }
  }

  /**
   * A mailing list of an account. {@code doubleOptIn} is false in snapshots written before lists
   * had the option (a missing field reads as false).
   */
  public record MailingList(String id, String name, Instant createdAt, boolean doubleOptIn)
      implements CborSerializable {

    /** A single opt-in list. */
    public MailingList(String id, String name, Instant createdAt) {
      this(id, name, createdAt, false);
    }
  }

  /**
   * A saved filter over the account's subscribers. {@code filter} is the filter's JSON text, as
   * validated by the gateway when it was saved.
   */
  public record Segment(String id, String name, String filter, Instant createdAt, Instant updatedAt)
      implements CborSerializable {}

  /** What an account records. */
  public sealed interface Event extends CborSerializable
      permits AccountCreated,
          ApiKeyAdded,
          ListCreatedEvent,
          SegmentCreated,
          SegmentUpdated,
          SegmentDeleted {}

  /** The account was opened with its first key. */
  public record AccountCreated(
      String id, String name, String apiKeyHash, int partitions, Instant createdAt)
      implements Event {}

  /** Another key now opens the account. */
  public record ApiKeyAdded(String apiKeyHash, Instant addedAt) implements Event {}

  /**
   * A mailing list was created. Events written before lists had the double opt-in option read
   * {@code doubleOptIn} as false.
   */
  public record ListCreatedEvent(String listId, String name, Instant createdAt, boolean doubleOptIn)
      implements Event {

    /** A single opt-in list was created. */
    public ListCreatedEvent(String listId, String name, Instant createdAt) {
      this(listId, name, createdAt, false);
    }
  }

  /** A segment was created. */
  public record SegmentCreated(String segmentId, String name, String filter, Instant at)
      implements Event {}

  /** A segment's name and filter were replaced. */
  public record SegmentUpdated(String segmentId, String name, String filter, Instant at)
      implements Event {}

  /** A segment was deleted. */
  public record SegmentDeleted(String segmentId, Instant at) implements Event {}
}
