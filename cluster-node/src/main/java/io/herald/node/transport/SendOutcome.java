package io.herald.node.transport;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The result of one send: its {@link SendStatus}, the SMTP reply code when the next hop gave one,
 * and a detail in words for logs, bounce records and operators.
 *
 * <p>A failure of the transport itself (no connection, TLS or login refused, the link dropped) is
 * always temporary, whatever code came with it: it says nothing about the letter or its recipient,
 * and a permanent failure may lead to the recipient being suppressed.
 *
 * @param replyCode the SMTP reply code, or {@link #NO_REPLY_CODE} when there was none (a pickup
 *     directory, a dropped connection)
 */
public record SendOutcome(SendStatus status, int replyCode, String detail) {

  /** The reply code of an outcome that no SMTP server answered. */
  public static final int NO_REPLY_CODE = 0;

  /** Checks the values: a reply code, when present, is a three-digit SMTP code. */
  public SendOutcome {
    Objects.requireNonNull(status, "status");
    if (replyCode != NO_REPLY_CODE && (replyCode < 200 || replyCode > 599)) {
      throw new IllegalArgumentException("not an SMTP reply code: " + replyCode);
    }
    detail = detail == null ? "" : detail;
  }

  /** The letter was accepted, with no reply code to report. */
  public static SendOutcome sent(String detail) {
    return new SendOutcome(SendStatus.SENT, NO_REPLY_CODE, detail);
  }

  /** Not accepted this time, with no reply code to report. */
  public static SendOutcome temporaryFailure(String detail) {
    return new SendOutcome(SendStatus.TEMPORARY_FAILURE, NO_REPLY_CODE, detail);
  }

  /** Refused for good, with no reply code to report. */
  public static SendOutcome permanentFailure(String detail) {
    return new SendOutcome(SendStatus.PERMANENT_FAILURE, NO_REPLY_CODE, detail);
  }

  /**
   * Classifies an SMTP reply about the letter: 2xx sent, 4xx temporary, 5xx permanent. Any other
   * code means the conversation went wrong rather than that the letter was judged, so it is
   * temporary and reported without the code.
   */
  public static SendOutcome fromReply(int replyCode, String detail) {
    if (replyCode >= 200 && replyCode <= 299) {
      return new SendOutcome(SendStatus.SENT, replyCode, detail);
    }
    if (replyCode >= 400 && replyCode <= 499) {
      return new SendOutcome(SendStatus.TEMPORARY_FAILURE, replyCode, detail);
    }
    if (replyCode >= 500 && replyCode <= 599) {
      return new SendOutcome(SendStatus.PERMANENT_FAILURE, replyCode, detail);
    }
    return temporaryFailure("unexpected reply " + replyCode + ": " + detail);
  }

  /** Whether the letter was accepted. */
  public boolean isSent() {
    return status == SendStatus.SENT;
  }

  /** The SMTP reply code, when there was one. */
  public OptionalInt replyCodeIfKnown() {
    return replyCode == NO_REPLY_CODE ? OptionalInt.empty() : OptionalInt.of(replyCode);
  }
}
