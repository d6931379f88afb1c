package io.herald.node.transport;

/**
 * How handing one letter to the next hop ended. The send pipeline decides everything that follows
 * from this value alone: a sent letter is done, a temporary failure is retried with backoff, and a
 * permanent failure feeds bounce handling and suppression.
 */
public enum SendStatus {
  /** The next hop accepted responsibility for the letter. */
  SENT,
  /** Not accepted this time; the same letter may succeed later. */
  TEMPORARY_FAILURE,
  /** Refused for good; sending the same letter again will fail the same way. */
  PERMANENT_FAILURE
}
