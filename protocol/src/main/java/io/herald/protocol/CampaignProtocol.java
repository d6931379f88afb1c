package io.herald.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a Campaign entity understands, answers and records. A campaign is written once as a draft,
 * then sent: its audience is planned into batches of recipients that {@link SendBatchProtocol}
 * entities deliver on any worker node.
 */
public final class CampaignProtocol {

  /** Sharding key of the Campaign entity; see {@link #entityId}. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Campaign");

  private CampaignProtocol() {}

  /** The entity id of a campaign of an account. */
  public static String entityId(String accountId, String campaignId) {
    return accountId + "~" + campaignId;
  }

  /**
   * What a campaign says and to whom: everything the author writes. The audience is every active
   * subscriber subscribed to one of {@code lists} or matching one of {@code segments}. {@code
   * segmentFilters} is empty in a draft; sending fills it with the segments' filters (JSON text) as
   * they stood then, so that planning and every batch ask the same question.
   */
  public record Content(
      String name,
      String subject,
      String fromName,
      String fromEmail,
      String replyTo,
      String html,
      String text,
      List<String> lists,
      List<String> segments,
      List<String> segmentFilters)
      implements CborSerializable {

    /** Content recorded before segments existed names none. */
    public Content {
      segments = segments == null ? List.of() : segments;
      segmentFilters = segmentFilters == null ? List.of() : segmentFilters;
    }

    /** This content with the segments' filters frozen in. */
    public Content withSegmentFilters(List<String> filters) {
      return new Content(
          name, subject, fromName, fromEmail, replyTo, html, text, lists, segments, filters);
    }
  }

  /** Where a campaign stands. */
  public enum Status {
    DRAFT,
    SENDING,
    PAUSED,
    COMPLETED,
    CANCELLED
  }

  /**
   * One slice of the audience: the recipients whose subscriber ids lie after {@code afterId}
   * (exclusive; empty for the first) up to {@code lastId} (inclusive), in id order.
   */
  public record BatchRange(int number, String afterId, String lastId, int recipients)
      implements CborSerializable {}

  /** Commands to a campaign. */
  public sealed interface Command extends CborSerializable
      permits Create,
          Update,
          Get,
          GetContent,
          Send,
          Pause,
          Resume,
          Cancel,
          Planned,
          PlanningFailed,
          BatchFinished,
          BatchProgress,
          Tick {}

  /** Creates the campaign as a draft. */
  public record Create(Content content, ActorRef<Reply> replyTo) implements Command {}

  /** Replaces a draft's content. */
  public record Update(Content content, ActorRef<Reply> replyTo) implements Command {}

  /** Answers the campaign's summary. */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Answers the content, for the nodes that render letters and resolve tracked links. */
  public record GetContent(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Starts sending a draft. {@code segmentFilters} holds the filter (JSON text) of each segment the
   * draft names, by segment id, as the account holds them now.
   */
  public record Send(Map<String, String> segmentFilters, ActorRef<Reply> replyTo)
      implements Command {

    /** Sends a draft that names no segment. */
    public Send(ActorRef<Reply> replyTo) {
      this(Map.of(), replyTo);
    }
  }

  /** Stops handing out batches and pauses the running ones. */
  public record Pause(ActorRef<Reply> replyTo) implements Command {}

  /** Continues a paused campaign where it stopped. */
  public record Resume(ActorRef<Reply> replyTo) implements Command {}

  /** Ends the campaign for good; running batches stop. */
  public record Cancel(ActorRef<Reply> replyTo) implements Command {}

  /** Sent by the campaign to itself when its audience has been planned. */
  public record Planned(int recipients, List<BatchRange> batches) implements Command {}

  /** Sent by the campaign to itself when planning failed; it retries. */
  public record PlanningFailed(String reason) implements Command {}

  /** Sent by a batch when it has handed every one of its letters to the transport. */
  public record BatchFinished(int number, int sent, int failed) implements Command {}

  /** Sent by a running batch now and then, so that the campaign's counts move while it sends. */
  public record BatchProgress(int number, int sent, int failed) implements Command {}

  /** Letters of one batch handed to the transport, and those that failed for good. */
  public record Counts(int sent, int failed) implements CborSerializable {}

  /** Sent by the campaign to itself: make sure the batches that should run are running. */
  public record Tick() implements Command {}

  /** Replies of a campaign. */
  public sealed interface Reply extends CborSerializable
      permits Summary, ContentOf, NotFound, Refused {}

  /** The campaign as it stands. */
  public record Summary(CampaignSummary campaign) implements Reply {}

  /** The campaign's content and status. */
  public record ContentOf(String campaignId, Content content, Status status) implements Reply {}

  /** No such campaign. */
  public record NotFound() implements Reply {}

  /** The command does not fit the campaign's state: {@code code} names why. */
  public record Refused(String code, String message) implements Reply {}

  /** The public face of a campaign. */
  public record CampaignSummary(
      String id,
      String name,
      Status status,
      Content content,
      int recipients,
      int batches,
      int batchesFinished,
      int sent,
      int failed,
      Instant createdAt,
      Instant updatedAt,
      Instant startedAt,
      Instant finishedAt)
      implements CborSerializable {}

  /** What a campaign records. */
  public sealed interface Event extends CborSerializable
      permits Created,
          Updated,
          SendingStarted,
          AudiencePlanned,
          BatchCompleted,
          Paused,
          Resumed,
          Cancelled,
          Completed {}

  /** The draft was written. */
  public record Created(String campaignId, Content content, Instant at) implements Event {}

  /** The draft was rewritten. */
  public record Updated(Content content, Instant at) implements Event {}

  /**
   * Sending was asked for; the audience is being planned. {@code segmentFilters} are the filters of
   * the content's segments, frozen now (none in events recorded before segments existed).
   */
  public record SendingStarted(Instant at, List<String> segmentFilters) implements Event {

    /** Events recorded before segments existed froze none. */
    public SendingStarted {
      segmentFilters = segmentFilters == null ? List.of() : segmentFilters;
    }
  }

  /** The audience was counted and cut into batches. */
  public record AudiencePlanned(int recipients, List<BatchRange> batches, Instant at)
      implements Event {}

  /** A batch finished with these counts. */
  public record BatchCompleted(int number, int sent, int failed, Instant at) implements Event {}

  /** Sending was paused. */
  public record Paused(Instant at) implements Event {}

  /** Sending was resumed. */
  public record Resumed(Instant at) implements Event {}

  /** The campaign was cancelled. */
  public record Cancelled(Instant at) implements Event {}

  /** Every batch finished. */
  public record Completed(Instant at) implements Event {}
}
