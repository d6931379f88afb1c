package io.herald.gateway;

import io.herald.protocol.AccountProtocol;
import io.herald.protocol.AccountProtocol.AccountSummary;
import io.herald.protocol.AccountProtocol.Found;
import io.herald.protocol.AccountProtocol.ListCreated;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.AccountProtocol.Refused;
import io.herald.protocol.AccountProtocol.Reply;
import io.herald.protocol.AccountProtocol.Segment;
import io.herald.protocol.AccountProtocol.SegmentSaved;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The gateway's access to Account entities: opening accounts, checking API keys and keeping a
 * short-lived cache of what each key opens, so that a request costs no entity round trip when the
 * same key was seen in the last {@link #CACHE_TTL}.
 */
public final class Accounts {

  /** How long a checked key is trusted without asking its account again. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);

  private record Cached(AccountSummary account, long expiresAtNanos) {}

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Map<String, Cached> byKeyHash = new ConcurrentHashMap<>();

  /** Accounts reached through sharding. */
  public Accounts(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  /** A newly opened account and its first API key, shown to the caller once. */
  public record Opened(AccountSummary account, String apiKey) {}

  /** Opens a new account with a fresh id and key. */
  public CompletionStage<Opened> open(String name, int partitions) {
    String id = Secrets.newId("acc");
    String key = Secrets.newApiKey(id);
    return ref(id)
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.Create(name, Secrets.hash(key), partitions, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof Found found) {
                return new Opened(found.account(), key);
              }
              throw conflictOrNotFound(reply, "account " + id);
            });
  }

  /** The account an API key opens; fails with 401 when it opens none. */
  public CompletionStage<AccountSummary> authenticate(String apiKey) {
    String accountId = Secrets.accountOfApiKey(apiKey);
    if (accountId == null) {
      return CompletableFuture.failedFuture(ApiError.unauthorized("the API key is not valid"));
    }
    String hash = Secrets.hash(apiKey);
    Cached cached = byKeyHash.get(hash);
    if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
      return CompletableFuture.completedFuture(cached.account());
    }
    return ref(accountId)
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.Authenticate(hash, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof Found found) {
                remember(hash, found.account());
                return found.account();
              }
              throw ApiError.unauthorized("the API key is not valid");
            });
  }

  /**
   * The account, made sure to hold the list: a list created through another gateway may not be in
   * the cached summary yet, so a miss asks the entity once more.
   *
   * @throws ApiError 404 when the account has no such list
   */
  public CompletionStage<AccountSummary> requireList(AccountSummary account, String listId) {
    if (account.hasList(listId)) {
      return CompletableFuture.completedFuture(account);
    }
    return refresh(account.id())
        .thenApply(
            fresh -> {
              if (!fresh.hasList(listId)) {
                throw ApiError.notFound("list " + listId);
              }
              return fresh;
            });
  }

  /** The account as its entity holds it now. */
  public CompletionStage<AccountSummary> refresh(String accountId) {
    return ref(accountId)
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.GetSummary(replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof Found found) {
                refreshCached(found.account());
                return found.account();
              }
              throw ApiError.notFound("account " + accountId);
            });
  }

  /** Creates a list in the account; a double opt-in list takes members as unconfirmed. */
  public CompletionStage<MailingList> createList(
      AccountSummary account, String name, boolean doubleOptIn) {
    String listId = Secrets.newId("lst");
    return ref(account.id())
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.CreateList(listId, name, doubleOptIn, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof ListCreated created) {
                byKeyHash.values().removeIf(c -> c.account().id().equals(account.id()));
                return created.list();
              }
              throw conflictOrNotFound(reply, "account " + account.id());
            });
  }

  /**
   * Creates a segment ({@code create}) or replaces an existing one's name and filter.
   *
   * @throws ApiError 404 when replacing a segment the account does not have, 409 when the account
   *     keeps too many
   */
  public CompletionStage<Segment> saveSegment(
      AccountSummary account, String segmentId, String name, String filter, boolean create) {
    return ref(account.id())
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.SaveSegment(segmentId, name, filter, create, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof SegmentSaved saved) {
                forget(account.id());
                return saved.segment();
              }
              throw conflictOrNotFound(reply, "segment " + segmentId);
            });
  }

  /**
   * Deletes a segment.
   *
   * @throws ApiError 404 when the account has no such segment
   */
  public CompletionStage<AccountSummary> deleteSegment(AccountSummary account, String segmentId) {
    return ref(account.id())
        .ask(
            (org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) ->
                new AccountProtocol.DeleteSegment(segmentId, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof Found found) {
                forget(account.id());
                return found.account();
              }
              throw conflictOrNotFound(reply, "segment " + segmentId);
            });
  }

  /**
   * The account, made sure to hold the segment as it stands now (segments change, so the entity is
   * asked on every use).
   *
   * @throws ApiError 404 when the account has no such segment
   */
  public CompletionStage<Segment> requireSegment(AccountSummary account, String segmentId) {
    return refresh(account.id())
        .thenApply(
            fresh ->
                fresh
                    .segment(segmentId)
                    .orElseThrow(() -> ApiError.notFound("segment " + segmentId)));
  }

  /** Drops the cached summaries of an account, whose lists or segments just changed. */
  private void forget(String accountId) {
    byKeyHash.values().removeIf(c -> c.account().id().equals(accountId));
  }

  private void remember(String hash, AccountSummary account) {
    byKeyHash.put(hash, new Cached(account, System.nanoTime() + CACHE_TTL.toNanos()));
  }

  private void refreshCached(AccountSummary account) {
    byKeyHash.replaceAll(
        (hash, cached) ->
            cached.account().id().equals(account.id())
                ? new Cached(account, cached.expiresAtNanos())
                : cached);
  }

  private EntityRef<AccountProtocol.Command> ref(String accountId) {
    return sharding.entityRefFor(AccountProtocol.TYPE_KEY, accountId);
  }

  private static ApiError conflictOrNotFound(Reply reply, String what) {
    if (reply instanceof Refused refused) {
      return ApiError.conflict(refused.code(), refused.message());
    }
    return ApiError.notFound(what);
  }
}
