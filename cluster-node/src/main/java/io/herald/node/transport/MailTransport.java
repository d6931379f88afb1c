package io.herald.node.transport;

import java.util.concurrent.CompletionStage;

/**
 * Hands finished letters to the next hop: an SMTP relay, an ESP, or a directory.
 *
 * <p>The contract every transport keeps, so that a send pipeline can treat them alike:
 *
 * <ul>
 *   <li>{@link #send} never blocks the caller; the work happens on the transport's own threads, so
 *       it is safe to call from a stream stage or an actor.
 *   <li>The returned stage always completes normally with a {@link SendOutcome}; every failure,
 *       including a closed or saturated transport, is a temporary or permanent failure outcome.
 *   <li>It is safe to call from many threads at once.
 * </ul>
 *
 * <p>In a Pekko stream: {@code mapAsyncUnordered(transport.concurrency(), transport::send)}.
 */
public interface MailTransport extends AutoCloseable {

  /** Starts handing one letter over and tells how it ended. */
  CompletionStage<SendOutcome> send(OutgoingLetter letter);

  /**
   * How many sends may usefully be in flight at once (for an SMTP pool, its number of connections).
   * More only wait in the transport's queue.
   */
  int concurrency();

  /**
   * Stops the transport: letters already being handed over finish, letters still waiting are
   * answered with a temporary failure, and connections are closed.
   */
  @Override
  void close();
}
