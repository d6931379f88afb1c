package io.herald.gateway;

import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the gateway needs from the node for double opt-in: sending the confirmation letter of a new
 * unconfirmed membership, and answering the confirmation link behind its signed token. The node
 * supplies the implementation.
 */
public final class ConsentPorts {

  private ConsentPorts() {}

  /** What the confirmation page names: the list the person joins and the account that owns it. */
  public record ConfirmationTarget(String accountName, String listName) {}

  /** Confirmation letters and links. */
  public interface Confirmations {
    /**
     * Starts sending the confirmation letter for the subscriber's unconfirmed membership of the
     * list. Returns at once; a letter that cannot be sent is logged, never reported to the caller.
     */
    void requestConfirmation(AccountSummary account, MailingList list, Subscriber subscriber);

    /** What a genuine confirmation token confirms, for the page; empty otherwise. */
    CompletionStage<Optional<ConfirmationTarget>> target(String token);

    /**
     * Confirms the membership of a genuine token; false when the token is not genuine, or the
     * person or their membership is gone or was left.
     */
    CompletionStage<Boolean> confirm(String token);
  }
}
