package io.herald.node.campaign;

import io.herald.node.campaign.JdbcAudience.Recipient;
import io.herald.node.letter.Letter;
import io.herald.node.letter.LetterRefusedException;
import io.herald.node.transport.MailTransport;
import io.herald.node.transport.OutgoingLetter;
import io.herald.node.transport.RateLimiter;
import io.herald.node.transport.SendOutcome;
import io.herald.node.transport.SendStatus;
import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.EmailAddress;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch's delivery as a stream: pages of recipients from the read model, each rendered with the
 * campaign compiled once on this node, spaced by the node's send rate, and handed to the transport
 * with as many letters in flight as it has connections. A temporary failure is retried with growing
 * waits a bounded number of times; a permanent one, or a letter that cannot be made, is counted as
 * failed. Outcomes leave in recipient order, so a batch's recorded progress is always a prefix of
 * its range.
 */
public final class StreamingBatchDelivery implements BatchDelivery {

  private static final Logger log = LoggerFactory.getLogger(StreamingBatchDelivery.class);

  private static final Counter LETTERS =
      Counter.builder()
          .name("herald_letters")
          .help("Letters by final outcome")
          .labelNames("outcome")
          .register();

  /** How deliveries behave. */
  public record Settings(int pageSize, int maxAttempts, Duration firstRetryDelay) {}

  private final JdbcAudience audience;
  private final CompiledCampaigns campaigns;
  private final MailTransport transport;
  private final RateLimiter rate;
  private final Executor renderExecutor;
  private final Settings settings;
  private final java.util.concurrent.ScheduledExecutorService timer;

  /** A delivery over the node's audience, campaigns, transport and rate. */
  public StreamingBatchDelivery(
      JdbcAudience audience,
      CompiledCampaigns campaigns,
      MailTransport transport,
      RateLimiter rate,
      Executor renderExecutor,
      java.util.concurrent.ScheduledExecutorService timer,
      Settings settings) {
    this.audience = audience;
    this.campaigns = campaigns;
    this.transport = transport;
    this.rate = rate;
    this.renderExecutor = renderExecutor;
    this.timer = timer;
    this.settings = settings;
  }

  @Override
  public Source<Delivered, NotUsed> deliver(
      String accountId, String campaignId, BatchRange range, String afterId) {
    return Source.completionStage(campaigns.get(accountId, campaignId))
        .flatMapConcat(
            entry -> {
              List<String> lists = entry.content().content().lists();
              List<String> filters = entry.content().content().segmentFilters();
              String listId = lists.isEmpty() ? null : lists.get(0);
              EmailAddress sender =
                  EmailAddress.parse(entry.content().content().fromEmail()).orElseThrow();
              return pages(accountId, lists, filters, range, afterId)
                  .mapAsync(
                      Runtime.getRuntime().availableProcessors(),
                      r ->
                          CompletableFuture.supplyAsync(
                              () -> render(entry, accountId, campaignId, listId, r),
                              renderExecutor))
                  .mapAsync(
                      Math.max(1, transport.concurrency()),
                      rendered -> deliverOne(rendered, sender));
            });
  }

  /** The range's recipients after {@code afterId}, a page at a time. */
  private Source<Recipient, NotUsed> pages(
      String accountId,
      List<String> lists,
      List<String> filters,
      BatchRange range,
      String afterId) {
    return Source.unfoldAsync(
            Optional.of(afterId),
            after -> {
              if (after.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              return audience
                  .recipients(
                      accountId, lists, filters, after.get(), range.lastId(), settings.pageSize())
                  .thenApply(
                      page -> {
                        if (page.isEmpty()) {
                          return Optional.empty();
                        }
                        Optional<String> next =
                            page.size() < settings.pageSize()
                                ? Optional.empty()
                                : Optional.of(page.get(page.size() - 1).subscriberId());
                        return Optional.of(Pair.create(next, page));
                      });
            })
        .mapConcat(page -> page);
  }

  /** A rendered letter, or the reason it could not be made. */
  private record Rendered(String subscriberId, Letter letter, String refusal) {}

  private Rendered render(
      CompiledCampaigns.Entry entry,
      String accountId,
      String campaignId,
      String listId,
      Recipient r) {
    try {
      EmailAddress email = EmailAddress.parse(r.email()).orElseThrow();
      Letter letter =
          entry
              .compiled()
              .render(
                  new io.herald.node.letter.Recipient(
                      accountId,
                      campaignId,
                      r.subscriberId(),
                      email,
                      r.name(),
                      r.attributes(),
                      listId));
      return new Rendered(r.subscriberId(), letter, null);
    } catch (LetterRefusedException | java.util.NoSuchElementException e) {
      return new Rendered(r.subscriberId(), null, String.valueOf(e.getMessage()));
    }
  }

  private CompletionStage<Delivered> deliverOne(Rendered rendered, EmailAddress sender) {
    if (rendered.letter() == null) {
      log.debug("Letter to {} refused: {}", rendered.subscriberId(), rendered.refusal());
      LETTERS.labelValues("refused").inc();
      return CompletableFuture.completedFuture(new Delivered(rendered.subscriberId(), false));
    }
    var outgoing =
        new OutgoingLetter(
            rendered.letter().message(),
            sender,
            rendered.letter().recipient(),
            rendered.letter().messageId());
    return attempt(outgoing, 1)
        .thenApply(
            outcome -> {
              LETTERS.labelValues(outcome.status().name().toLowerCase(Locale.ROOT)).inc();
              return new Delivered(rendered.subscriberId(), outcome.status() == SendStatus.SENT);
            });
  }

  private CompletionStage<SendOutcome> attempt(OutgoingLetter letter, int attempt) {
    long wait = rate.reserve(1);
    CompletionStage<SendOutcome> sent =
        wait == 0 ? transport.send(letter) : later(wait, () -> transport.send(letter));
    return sent.thenCompose(
        outcome -> {
          if (outcome.status() != SendStatus.TEMPORARY_FAILURE
              || attempt >= settings.maxAttempts()) {
            return CompletableFuture.completedFuture(outcome);
          }
          long backoff = settings.firstRetryDelay().toNanos() << (attempt - 1);
          log.warn(
              "Letter {} failed for now (attempt {} of {}), retrying: {}",
              letter.messageId(),
              attempt,
              settings.maxAttempts(),
              outcome.detail());
          return later(backoff, () -> attempt(letter, attempt + 1));
        });
  }

  private <T> CompletionStage<T> later(
      long nanos, java.util.function.Supplier<CompletionStage<T>> action) {
    var result = new CompletableFuture<T>();
    timer.schedule(
        () ->
            action
                .get()
                .whenComplete(
                    (value, failure) -> {
                      if (failure != null) {
                        result.completeExceptionally(failure);
                      } else {
                        result.complete(value);
                      }
                    }),
        nanos,
        TimeUnit.NANOSECONDS);
    return result;
  }
}
