package io.herald.node.tracking;

import io.herald.gateway.CampaignPorts.RecipientRequests;
import io.herald.gateway.CampaignPorts.UnsubscribeTarget;
import io.herald.node.campaign.CompiledCampaigns;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Recipients' requests, checked against their signed tokens. Opens and clicks go to the batching
 * {@link TrackingWriter}; a click redirects only to the link the campaign stored under the token's
 * index; an unsubscribe goes to the person's subscriber partition, for the campaign's lists.
 */
public final class NodeRecipientRequests implements RecipientRequests {

  private final TrackingTokens tokens;
  private final TrackingWriter writer;
  private final CompiledCampaigns campaigns;
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  /** Requests handled with the node's tokens, writer, campaigns and sharding. */
  public NodeRecipientRequests(
      TrackingTokens tokens,
      TrackingWriter writer,
      CompiledCampaigns campaigns,
      ClusterSharding sharding,
      Duration askTimeout) {
    this.tokens = tokens;
    this.writer = writer;
    this.campaigns = campaigns;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  @Override
  public boolean open(String token) {
    Optional<TrackingToken.Open> open = tokens.verify(token, TrackingToken.Open.class);
    open.ifPresent(
        o ->
            writer.record(
                TrackingWriter.Kind.OPEN, o.accountId(), o.campaignId(), o.subscriberId(), 0));
    return open.isPresent();
  }

  @Override
  public CompletionStage<Optional<String>> click(String token) {
    Optional<TrackingToken.Click> verified = tokens.verify(token, TrackingToken.Click.class);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    TrackingToken.Click click = verified.get();
    return campaigns
        .get(click.accountId(), click.campaignId())
        .thenApply(
            entry -> {
              List<String> links = entry.compiled().links();
              if (click.linkIndex() >= links.size()) {
                return Optional.<String>empty();
              }
              writer.record(
                  TrackingWriter.Kind.CLICK,
                  click.accountId(),
                  click.campaignId(),
                  click.subscriberId(),
                  click.linkIndex());
              return Optional.of(links.get(click.linkIndex()));
            });
  }

  @Override
  public CompletionStage<Optional<UnsubscribeTarget>> unsubscribeTarget(String token) {
    Optional<TrackingToken.Unsubscribe> verified =
        tokens.verify(token, TrackingToken.Unsubscribe.class);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    var u = verified.get();
    return campaigns
        .get(u.accountId(), u.campaignId())
        .thenCompose(
            entry ->
                sharding
                    .entityRefFor(AccountProtocol.TYPE_KEY, u.accountId())
                    .ask(
                        (ActorRef<AccountProtocol.Reply> r) -> new AccountProtocol.GetSummary(r),
                        askTimeout)
                    .thenApply(
                        reply -> {
                          var content = entry.content().content();
                          List<String> names =
                              reply instanceof AccountProtocol.Found found
                                  ? found.account().lists().stream()
                                      .filter(l -> content.lists().contains(l.id()))
                                      .map(AccountProtocol.MailingList::name)
                                      .toList()
                                  : List.of();
                          return Optional.of(new UnsubscribeTarget(content.name(), names));
                        }));
  }

  @Override
  public CompletionStage<Boolean> unsubscribe(String token) {
    Optional<TrackingToken.Unsubscribe> verified =
        tokens.verify(token, TrackingToken.Unsubscribe.class);
    if (verified.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    var u = verified.get();
    return campaigns
        .get(u.accountId(), u.campaignId())
        .thenCompose(
            entry ->
                sharding
                    .entityRefFor(AccountProtocol.TYPE_KEY, u.accountId())
                    .ask(
                        (ActorRef<AccountProtocol.Reply> r) -> new AccountProtocol.GetSummary(r),
                        askTimeout)
                    .thenCompose(
                        reply -> {
                          if (!(reply instanceof AccountProtocol.Found found)) {
                            return CompletableFuture.completedFuture(false);
                          }
                          int partition =
                              SubscriberKeys.partitionOf(
                                      u.subscriberId(), found.account().partitions())
                                  .orElse(-1);
                          if (partition < 0) {
                            return CompletableFuture.completedFuture(false);
                          }
                          List<String> lists = entry.content().content().lists();
                          return sharding
                              .entityRefFor(
                                  SubscriberProtocol.TYPE_KEY,
                                  SubscriberKeys.entityId(u.accountId(), partition))
                              .ask(
                                  (ActorRef<SubscriberProtocol.Reply> r) ->
                                      new SubscriberProtocol.Unsubscribe(
                                          u.subscriberId(), lists, r),
                                  askTimeout)
                              .thenApply(
                                  done -> {
                                    writer.record(
                                        TrackingWriter.Kind.UNSUBSCRIBE,
                                        u.accountId(),
                                        u.campaignId(),
                                        u.subscriberId(),
                                        0);
                                    return true;
                                  });
                        }));
  }
}
