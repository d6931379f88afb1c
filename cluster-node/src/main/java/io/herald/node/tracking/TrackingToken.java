package io.herald.node.tracking;

/**
 * What a signed link in a letter stands for: a recipient opened the letter, clicked one of the
 * campaign's stored links, asked to be unsubscribed, or confirms joining a double opt-in list.
 *
 * <p>Every kind names the account and the subscriber; the campaign kinds name the campaign, so the
 * gateway can record the hit without looking anything up, and a confirmation names the list. Ids
 * are short ASCII strings of letters, digits, {@code _} and {@code -} (see {@link #isValidId});
 * anything else is refused, which keeps the token's separator out of every id.
 */
public sealed interface TrackingToken
    permits TrackingToken.Open,
        TrackingToken.Click,
        TrackingToken.Unsubscribe,
        TrackingToken.ConfirmSubscription {

  /** Longest id a token carries. */
  int MAX_ID_LENGTH = 64;

  /** The account the campaign belongs to. */
  String accountId();

  /** The subscriber the letter was sent to. */
  String subscriberId();

  /** The tracking pixel of one letter was loaded. */
  record Open(String accountId, String campaignId, String subscriberId) implements TrackingToken {
    /** Refuses ids a token cannot carry. */
    public Open {
      requireIds(accountId, campaignId, subscriberId);
    }
  }

  /**
   * A link of the campaign was followed; {@code linkIndex} points into the campaign's stored link
   * list, never at a URL, so the redirect can only go where the campaign said.
   */
  record Click(String accountId, String campaignId, String subscriberId, int linkIndex)
      implements TrackingToken {
    /** Refuses ids a token cannot carry and negative link indexes. */
    public Click {
      requireIds(accountId, campaignId, subscriberId);
      if (linkIndex < 0) {
        throw new IllegalArgumentException("a link index is never negative: " + linkIndex);
      }
    }
  }

  /** The recipient asked to stop receiving the account's campaigns (link or one-click POST). */
  record Unsubscribe(String accountId, String campaignId, String subscriberId)
      implements TrackingToken {
    /** Refuses ids a token cannot carry. */
    public Unsubscribe {
      requireIds(accountId, campaignId, subscriberId);
    }
  }

  /**
   * The person who signed up to a double opt-in list confirms it: the link of the confirmation
   * letter. No campaign is involved.
   */
  record ConfirmSubscription(String accountId, String listId, String subscriberId)
      implements TrackingToken {
    /** Refuses ids a token cannot carry. */
    public ConfirmSubscription {
      requireId("the account id", accountId);
      requireId("the list id", listId);
      requireId("the subscriber id", subscriberId);
    }
  }

  /**
   * Whether an id may appear in a token (and so in a URL and a header): 1 to {@link #MAX_ID_LENGTH}
   * characters, each an ASCII letter, a digit, {@code _} or {@code -}.
   */
  static boolean isValidId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Throws when an id cannot be carried by a token. */
  static void requireId(String what, String id) {
    if (!isValidId(id)) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to "
              + MAX_ID_LENGTH
              + " letters, digits, '_' or '-', not '"
              + id
              + "'");
    }
  }

  private static void requireIds(String accountId, String campaignId, String subscriberId) {
    requireId("the account id", accountId);
    requireId("the campaign id", campaignId);
    requireId("the subscriber id", subscriberId);
  }
}
