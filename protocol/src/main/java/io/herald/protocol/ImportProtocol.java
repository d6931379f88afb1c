package io.herald.protocol;

import io.herald.protocol.SubscriberProtocol.UpsertMode;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What an import job understands, answers and records. A job reads one uploaded address-book file
 * (CSV or XLSX) into one list of an account. It records a checkpoint every few thousand rows, so
 * that a job restarted after a crash goes on after the last checkpoint instead of starting over;
 * rows applied again are harmless, because upserts merge by subscriber id.
 */
public final class ImportProtocol {

  /** Sharding key of an import job; see {@link #entityId}. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "ImportJob");

  /** How many rejected rows a job keeps in its own state (all of them go to the errors table). */
  public static final int ERRORS_KEPT = 100;

  private ImportProtocol() {}

  /** The entity id of an account's import. */
  public static String entityId(String accountId, String importId) {
    return accountId + "~" + importId;
  }

  /** The file formats an import reads. */
  public enum Format {
    CSV,
    XLSX
  }

  /**
   * Everything a job needs to read its file.
   *
   * @param partitions the account's subscriber partitions
   * @param file the uploaded file, on the node that received it
   * @param delimiter the CSV delimiter, or null to detect it
   * @param encoding the CSV character set name, or null to detect it
   * @param sheet the XLSX sheet name, or null for the first one
   */
  public record ImportSpec(
      String accountId,
      String importId,
      String listId,
      int partitions,
      UpsertMode mode,
      Format format,
      String file,
      String delimiter,
      String encoding,
      String sheet)
      implements CborSerializable {}

  /** Commands to an import job. */
  public sealed interface Command extends CborSerializable
      permits Start, Get, Checkpoint, StreamEnded, Resume {}

  /** Starts the job; answers {@link Status}. A job that already started just answers it. */
  public record Start(ImportSpec spec, ActorRef<Reply> replyTo) implements Command {}

  /** Answers {@link Status}, or {@link NotFound} when no job has this id. */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Sent by the job's own stream once every row up to {@code lastRow} is applied and its rejected
   * rows are stored.
   *
   * @param rowsRead data rows handled since the file's start (the position to resume after)
   * @param lastRow the file's row number of the last of them
   */
  public record Checkpoint(
      long rowsRead, long lastRow, long imported, long rejected, List<RowError> errors)
      implements Command {}

  /**
   * Sent by the job's stream number {@code stream} when it ends: {@code failure} is null on
   * success; {@code fileBroken} tells a file that cannot be read (final) from a failure of the
   * cluster (worth another try).
   */
  public record StreamEnded(long stream, String failure, boolean fileBroken) implements Command {}

  /** Sent by the job to itself: read the file again after the last checkpoint, after a failure. */
  public record Resume() implements Command {}

  /** Replies of a job. */
  public sealed interface Reply extends CborSerializable permits Status, NotFound {}

  /** The job as it stands. */
  public record Status(ImportStatus status) implements Reply {}

  /** No job with this id in this account. */
  public record NotFound() implements Reply {}

  /** Where a job stands. */
  public enum Phase {
    RUNNING,
    COMPLETED,
    FAILED
  }

  /**
   * A job's public face.
   *
   * @param rowsTotal data rows read so far while running; every data row once completed
   * @param errors the first {@link #ERRORS_KEPT} rejected rows
   * @param failure why the job failed, when it did
   */
  public record ImportStatus(
      String id,
      String listId,
      UpsertMode mode,
      Phase phase,
      long rowsTotal,
      long rowsImported,
      long rowsRejected,
      List<RowError> errors,
      String failure,
      Instant createdAt,
      Instant finishedAt)
      implements CborSerializable {}

  /** A rejected row: its row number in the file (the header is row 1) and why. */
  public record RowError(long row, String reason) implements CborSerializable {}

  /** What a job records. */
  public sealed interface Event extends CborSerializable
      permits ImportStarted, ImportProgressed, ImportCompleted, ImportFailed {}

  /** The job took its file. */
  public record ImportStarted(ImportSpec spec, Instant at) implements Event {}

  /**
   * Rows up to {@code lastRow} are applied: {@code rowsRead} data rows in all, and since the last
   * checkpoint {@code imported} and {@code rejected} more, with the rejections that still fit in
   * the first {@link #ERRORS_KEPT}.
   */
  public record ImportProgressed(
      long rowsRead, long lastRow, long imported, long rejected, List<RowError> errors, Instant at)
      implements Event {}

  /** Every row of the file was handled. */
  public record ImportCompleted(Instant at) implements Event {}

  /** The job stopped for good: the file is broken or gone, or the cluster kept failing it. */
  public record ImportFailed(String reason, Instant at) implements Event {}
}
