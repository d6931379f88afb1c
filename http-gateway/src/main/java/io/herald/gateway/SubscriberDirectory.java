package io.herald.gateway;

import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The subscriber read model as the gateway sees it: queries over what projections have written. The
 * node supplies the implementation (JDBC).
 */
public interface SubscriberDirectory {

  /**
   * One page of a list's members in ascending subscriber id, starting after {@code afterId}.
   *
   * @param limit the most items to return, at least 1
   */
  CompletionStage<Page> listMembers(
      String accountId, String listId, int limit, Optional<String> afterId);

  /** How many of the account's subscribers (of any status) match the filter now. */
  CompletionStage<Long> countMatching(String accountId, SegmentFilter filter);

  /**
   * One page of the account's subscribers (of any status) that match the filter, in ascending id
   * after {@code afterId}.
   *
   * @param limit the most items to return, 1 to 1000
   */
  CompletionStage<Page> matching(
      String accountId, SegmentFilter filter, int limit, Optional<String> afterId);

  /** A page of subscribers; {@code hasMore} tells whether another page follows. */
  record Page(List<Subscriber> items, boolean hasMore) {}

  /**
   * One page of the account's suppression list: subscribers whose status is one of {@code reasons}
   * (never {@link SubscriberStatus#ACTIVE}), ordered by reason (in the enum's order) and then by
   * subscriber id, starting after {@code after}.
   *
   * @param limit the most items to return, at least 1
   */
  CompletionStage<SuppressionPage> suppressions(
      String accountId, List<SubscriberStatus> reasons, int limit, Optional<Position> after);

  /** A suppressed address as the read model holds it. */
  record Suppression(String subscriberId, String email, SubscriberStatus reason, Instant since) {}

  /** Where a page of suppressions ended: its last item's reason and subscriber id. */
  record Position(SubscriberStatus reason, String subscriberId) {}

  /** A page of suppressions; {@code hasMore} tells whether another page follows. */
  record SuppressionPage(List<Suppression> items, boolean hasMore) {}
}
