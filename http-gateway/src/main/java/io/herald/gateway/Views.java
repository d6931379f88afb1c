package io.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.protocol.AccountProtocol.MailingList;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON shapes of API responses. */
public final class Views {

  private Views() {}

  /** An account, with its API key when it was just created. */
  public record AccountView(String id, String name, String apiKey, Instant createdAt) {}

  /** A mailing list; a double opt-in list takes new members as unconfirmed. */
  public record ListView(String id, String name, boolean doubleOptIn, Instant createdAt) {

    static ListView of(MailingList list) {
      return new ListView(list.id(), list.name(), list.doubleOptIn(), list.createdAt());
    }
  }

  /** An address on the suppression list, why, and since when. */
  public record SuppressionView(String email, String reason, Instant since, String subscriberId) {

    static SuppressionView of(Subscriber s) {
      return new SuppressionView(
          s.email(), s.status().name().toLowerCase(Locale.ROOT), s.statusSince(), s.id());
    }
  }

  /** One list membership of a subscriber. */
  public record MembershipView(String id, String status) {}

  /** A subscriber. */
  public record SubscriberView(
      String id,
      String email,
      String name,
      JsonNode attributes,
      String status,
      List<MembershipView> lists,
      Instant createdAt,
      Instant updatedAt) {

    static SubscriberView of(Subscriber s) {
      return new SubscriberView(
          s.id(),
          s.email(),
          s.name(),
          s.attributes(),
          s.status().name().toLowerCase(Locale.ROOT),
          s.lists().stream()
              .map(m -> new MembershipView(m.listId(), m.status().name().toLowerCase(Locale.ROOT)))
              .toList(),
          s.createdAt(),
          s.updatedAt());
    }
  }

  /** A collection; {@code nextCursor} is null on the last page. */
  public record Page<T>(List<T> items, String nextCursor) {}

  /** A whole, unpaged collection. */
  public record Items<T>(List<T> items) {}
}
