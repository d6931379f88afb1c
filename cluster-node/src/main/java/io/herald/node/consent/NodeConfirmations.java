package io.herald.node.consent;

import com.typesafe.config.Config;
import io.herald.gateway.ConsentPorts.ConfirmationTarget;
import io.herald.gateway.ConsentPorts.Confirmations;
import io.herald.node.letter.ConfirmationLetters;
import io.herald.node.letter.Letter;
import io.herald.node.letter.LetterRefusedException;
import io.herald.node.letter.LetterSettings;
import io.herald.node.tracking.TrackingToken.ConfirmSubscription;
import io.herald.node.tracking.TrackingTokens;
import io.herald.node.transport.MailTransport;
import io.herald.node.transport.OutgoingLetter;
import io.herald.node.transport.SendStatus;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.Upserted;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Double opt-in on a node: the confirmation letter of a new unconfirmed membership, handed to the
 * node's transport, and the answer to its signed link. The link's token names account, list and
 * subscriber, signed with the tracking key; confirming asks the person's partition to turn the
 * membership from unconfirmed into subscribed.
 */
public final class NodeConfirmations implements Confirmations {

  private static final Logger log = LoggerFactory.getLogger(NodeConfirmations.class);

  /** Attempts at handing one confirmation letter over. */
  private static final int ATTEMPTS = 3;

  /** The wait before the second attempt; each later one waits twice as long. */
  private static final Duration FIRST_RETRY = Duration.ofSeconds(2);

  private final TrackingTokens tokens;
  private final ConfirmationLetters letters;
  private final MailTransport transport;
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  /** Confirmations through the node's tokens, letters, transport and sharding. */
  public NodeConfirmations(
      TrackingTokens tokens,
      ConfirmationLetters letters,
      MailTransport transport,
      ClusterSharding sharding,
      Duration askTimeout) {
    this.tokens = tokens;
    this.letters = letters;
    this.transport = transport;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  /**
   * The sender of confirmation letters: {@code herald.confirmations.from-email}, or {@code
   * no-reply@} the public URL's host when that is empty and makes a usable address.
   */
  public static EmailAddress sender(Config herald, LetterSettings settings) {
    String configured = herald.getString("confirmations.from-email").strip();
    if (!configured.isEmpty()) {
      String problem = EmailAddress.problem(configured);
      if (problem != null) {
        throw new IllegalArgumentException(
            "herald.confirmations.from-email (HERALD_CONFIRM_FROM) is not usable: " + problem);
      }
      return EmailAddress.parse(configured).orElseThrow();
    }
    Optional<EmailAddress> derived = EmailAddress.parse("no-reply@" + settings.host());
    if (derived.isPresent()) {
      return derived.get();
    }
    log.warn(
        "Confirmation letters come from no-reply@localhost.invalid: set HERALD_CONFIRM_FROM or a"
            + " public URL with a fully qualified host");
    return EmailAddress.parse("no-reply@localhost.invalid").orElseThrow();
  }

  /** Letters from the configured sender, dated by the clock. */
  public static ConfirmationLetters letters(Config herald, LetterSettings settings, Clock clock) {
    return new ConfirmationLetters(settings, sender(herald, settings), clock);
  }

  @Override
  public void requestConfirmation(AccountSummary account, MailingList list, Subscriber subscriber) {
    Letter letter;
    try {
      EmailAddress to = EmailAddress.parse(subscriber.email()).orElseThrow();
      String token = tokens.sign(new ConfirmSubscription(account.id(), list.id(), subscriber.id()));
      letter = letters.build(account.name(), list.id(), list.name(), subscriber.id(), to, token);
    } catch (LetterRefusedException | IllegalArgumentException e) {
      log.warn(
          "No confirmation letter for subscriber {} of {} on list {}: {}",
          subscriber.id(),
          account.id(),
          list.id(),
          e.getMessage());
      return;
    }
    send(
        new OutgoingLetter(
            letter.message(), letters.sender(), letter.recipient(), letter.messageId()),
        1);
  }

  /**
   * Hands the letter over, trying again after a temporary failure ({@value #ATTEMPTS} attempts,
   * {@link #FIRST_RETRY} apart, then twice as long). The letter is made once, so a retry carries
   * the same Message-ID.
   */
  private void send(OutgoingLetter letter, int attempt) {
    transport
        .send(letter)
        .thenAccept(
            outcome -> {
              if (outcome.status() == SendStatus.SENT) {
                log.debug("Confirmation letter {} sent", letter.messageId());
              } else if (outcome.status() == SendStatus.TEMPORARY_FAILURE && attempt < ATTEMPTS) {
                log.warn(
                    "Confirmation letter {} failed for now (attempt {} of {}), retrying: {}",
                    letter.messageId(),
                    attempt,
                    ATTEMPTS,
                    outcome.detail());
                long delay = FIRST_RETRY.toMillis() << (attempt - 1);
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                    .execute(() -> send(letter, attempt + 1));
              } else {
                log.warn(
                    "Confirmation letter {} not sent ({}): {}",
                    letter.messageId(),
                    outcome.status(),
                    outcome.detail());
              }
            });
  }

  @Override
  public CompletionStage<Optional<ConfirmationTarget>> target(String token) {
    Optional<ConfirmSubscription> verified = tokens.verify(token, ConfirmSubscription.class);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    ConfirmSubscription confirm = verified.get();
    return account(confirm.accountId())
        .thenApply(
            account ->
                account.flatMap(
                    a ->
                        a.lists().stream()
                            .filter(l -> l.id().equals(confirm.listId()))
                            .findFirst()
                            .map(l -> new ConfirmationTarget(a.name(), l.name()))));
  }

  @Override
  public CompletionStage<Boolean> confirm(String token) {
    Optional<ConfirmSubscription> verified = tokens.verify(token, ConfirmSubscription.class);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    ConfirmSubscription confirm = verified.get();
    return account(confirm.accountId())
        .thenCompose(
            account -> {
              Optional<Integer> partition =
                  account.flatMap(
                      a -> SubscriberKeys.partitionOf(confirm.subscriberId(), a.partitions()));
              if (partition.isEmpty()) {
                return CompletableFuture.completedFuture(false);
              }
              return sharding
                  .entityRefFor(
                      SubscriberProtocol.TYPE_KEY,
                      SubscriberKeys.entityId(confirm.accountId(), partition.get()))
                  .ask(
                      (ActorRef<SubscriberProtocol.Reply> r) ->
                          new SubscriberProtocol.Confirm(
                              confirm.subscriberId(), confirm.listId(), r),
                      askTimeout)
                  .thenApply(reply -> subscribed(reply, confirm.listId()));
            });
  }

  /** Whether the reply shows the membership subscribed (not left, not gone). */
  private static boolean subscribed(SubscriberProtocol.Reply reply, String listId) {
    return reply instanceof Upserted upserted
        && upserted.subscriber().lists().stream()
            .anyMatch(m -> m.listId().equals(listId) && m.status() == MembershipStatus.SUBSCRIBED);
  }

  private CompletionStage<Optional<AccountSummary>> account(String accountId) {
    return sharding
        .entityRefFor(AccountProtocol.TYPE_KEY, accountId)
        .ask((ActorRef<AccountProtocol.Reply> r) -> new AccountProtocol.GetSummary(r), askTimeout)
        .thenApply(
            reply ->
                reply instanceof AccountProtocol.Found found
                    ? Optional.of(found.account())
                    : Optional.<AccountSummary>empty());
  }
}
