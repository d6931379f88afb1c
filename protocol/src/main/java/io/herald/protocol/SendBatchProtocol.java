package io.herald.protocol;

import io.herald.protocol.CampaignProtocol.BatchRange;
import java.time.Instant;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a send batch understands and records. A batch delivers one {@link BatchRange} of a
 * campaign's audience; it records its progress as it goes, so that a batch restarted on another
 * node resumes after the last recipient it recorded, and duplicates are bounded by the letters that
 * were in flight.
 */
public final class SendBatchProtocol {

  /** Sharding key of a send batch; see {@link #entityId}. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "SendBatch");

  private SendBatchProtocol() {}

  /** The entity id of a batch of a campaign. */
  public static String entityId(String accountId, String campaignId, int number) {
    return accountId + "~" + campaignId + "~" + number;
  }

  /** Commands to a batch. */
  public sealed interface Command extends CborSerializable
      permits Run, Stop, Progress, StreamEnded {}

  /** Deliver the range, or go on delivering it; ignored while already running or when done. */
  public record Run(BatchRange range) implements Command {}

  /** Stop delivering (pause or cancel); what was recorded stays, so Run resumes. */
  public record Stop(boolean cancelled) implements Command {}

  /**
   * Sent by the batch's own delivery stream: these letters were handed over, up to and including
   * the recipient {@code lastId}.
   */
  public record Progress(String lastId, int sent, int failed) implements Command {}

  /**
   * Sent by the batch's own delivery stream number {@code stream} when it ends; {@code failure} is
   * null on success.
   */
  public record StreamEnded(long stream, String failure) implements Command {}

  /** What a batch records. */
  public sealed interface Event extends CborSerializable
      permits BatchStarted, ProgressRecorded, BatchStopped, BatchFinished {}

  /** The batch took its range. */
  public record BatchStarted(BatchRange range, Instant at) implements Event {}

  /** Letters up to {@code lastId} were handed over: this many sent and failed since the last. */
  public record ProgressRecorded(String lastId, int sent, int failed, Instant at)
      implements Event {}

  /** Delivery stopped before the end (paused or cancelled). */
  public record BatchStopped(boolean cancelled, Instant at) implements Event {}

  /** Every recipient of the range was handled. */
  public record BatchFinished(int sent, int failed, Instant at) implements Event {}
}
