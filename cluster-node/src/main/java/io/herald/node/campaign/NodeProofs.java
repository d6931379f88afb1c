package io.herald.node.campaign;

import io.herald.gateway.CampaignPorts.ProofResult;
import io.herald.gateway.CampaignPorts.Proofs;
import io.herald.node.letter.CompiledCampaign;
import io.herald.node.letter.LetterRefusedException;
import io.herald.node.letter.LetterSettings;
import io.herald.node.letter.LetterTemplates;
import io.herald.node.letter.Recipient;
import io.herald.node.transport.MailTransport;
import io.herald.node.transport.OutgoingLetter;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.ContentOf;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Proofs: the campaign as it stands (a draft too), rendered for each given address as if it were a
 * subscriber with no name or attributes, and handed to the transport. Proofs count in no stats.
 *
 * <p>An address on the account's suppression list is skipped, not sent to: its result says {@code
 * suppressed} and why. The check asks the person's partition, so a suppression added a moment
 * earlier already counts.
 */
public final class NodeProofs implements Proofs {

  private final ClusterSharding sharding;
  private final LetterTemplates templates;
  private final LetterSettings settings;
  private final MailTransport transport;
  private final Duration askTimeout;

  /** Proofs through the node's transport. */
  public NodeProofs(
      ClusterSharding sharding,
      LetterTemplates templates,
      LetterSettings settings,
      MailTransport transport,
      Duration askTimeout) {
    this.sharding = sharding;
    this.templates = templates;
    this.settings = settings;
    this.transport = transport;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<List<ProofResult>> send(
      String accountId, String campaignId, List<EmailAddress> addresses) {
    return sharding
        .entityRefFor(CampaignProtocol.TYPE_KEY, CampaignProtocol.entityId(accountId, campaignId))
        .ask((ActorRef<CampaignProtocol.Reply> r) -> new CampaignProtocol.GetContent(r), askTimeout)
        .thenCompose(
            reply -> {
              var content = ((ContentOf) reply).content();
              CompiledCampaign compiled =
                  templates.compile(CompiledCampaigns.letterContent(content), settings);
              EmailAddress sender = EmailAddress.parse(content.fromEmail()).orElseThrow();
              String listId = content.lists().isEmpty() ? null : content.lists().get(0);
              var results = new ArrayList<CompletableFuture<ProofResult>>();
              for (EmailAddress address : addresses) {
                results.add(
                    suppression(accountId, address)
                        .thenCompose(
                            reason ->
                                reason.isPresent()
                                    ? CompletableFuture.completedFuture(
                                        new ProofResult(
                                            address.value(),
                                            "suppressed",
                                            "not sent: the address is on the suppression list ("
                                                + reason.get()
                                                + ")"))
                                    : sendOne(
                                        compiled, accountId, campaignId, listId, sender, address))
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                  .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
            });
  }

  /** Why nothing may be sent to the address (its status, in lower case), or empty. */
  private CompletionStage<Optional<String>> suppression(String accountId, EmailAddress address) {
    String subscriberId = SubscriberKeys.subscriberId(accountId, address);
    return sharding
        .entityRefFor(AccountProtocol.TYPE_KEY, accountId)
        .ask((ActorRef<AccountProtocol.Reply> r) -> new AccountProtocol.GetSummary(r), askTimeout)
        .thenCompose(
            reply -> {
              if (!(reply instanceof AccountProtocol.Found found)) {
                return CompletableFuture.completedFuture(Optional.<String>empty());
              }
              int partition =
                  SubscriberKeys.partitionOf(subscriberId, found.account().partitions())
                      .orElseThrow();
              return sharding
                  .entityRefFor(
                      SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(accountId, partition))
                  .ask(
                      (ActorRef<SubscriberProtocol.Reply> r) ->
                          new SubscriberProtocol.Get(subscriberId, r),
                      askTimeout)
                  .thenApply(
                      got ->
                          got instanceof SubscriberProtocol.Found person
                                  && person.subscriber().suppressed()
                              ? Optional.of(
                                  person.subscriber().status().name().toLowerCase(Locale.ROOT))
                              : Optional.<String>empty());
            });
  }

  private CompletableFuture<ProofResult> sendOne(
      CompiledCampaign compiled,
      String accountId,
      String campaignId,
      String listId,
      EmailAddress sender,
      EmailAddress address) {
    try {
      var letter =
          compiled.render(
              new Recipient(
                  accountId,
                  campaignId,
                  SubscriberKeys.subscriberId(accountId, address),
                  address,
                  "",
                  null,
                  listId));
      return transport
          .send(
              new OutgoingLetter(letter.message(), sender, letter.recipient(), letter.messageId()))
          .thenApply(
              outcome ->
                  new ProofResult(
                      address.value(),
                      outcome.status().name().toLowerCase(Locale.ROOT),
                      outcome.detail()))
          .toCompletableFuture();
    } catch (LetterRefusedException e) {
      return CompletableFuture.completedFuture(
          new ProofResult(address.value(), "refused", e.getMessage()));
    }
  }
}
