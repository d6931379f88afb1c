package io.herald.gateway;

import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.EmailAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the gateway needs from the node for campaigns, beyond entities: checking content before it
 * is stored, sending proofs, reading engagement counts, and answering recipients' tracking and
 * unsubscribe requests. The node supplies the implementations.
 */
public final class CampaignPorts {

  private CampaignPorts() {}

  /** Checks a campaign's content as the letters will use it. */
  public interface ContentCheck {
    /**
     * Compiles the content's templates and checks its links and headers.
     *
     * @throws ApiError 422 naming the field, and line and column for templates
     */
    void check(Content content);
  }

  /** The outcome of one proof letter. */
  public record ProofResult(String email, String status, String detail) {}

  /** Sends proofs of a campaign to given addresses only. */
  public interface Proofs {
    /** Renders and sends one proof to each address. */
    CompletionStage<List<ProofResult>> send(
        String accountId, String campaignId, List<EmailAddress> addresses);
  }

  /** Engagement counts of a campaign, from the tracking store. */
  public record Engagement(long opened, long clicked, long unsubscribed) {}

  /** Reads engagement counts. */
  public interface EngagementCounts {
    /** Unique openers, unique clickers and unsubscribes of a campaign. */
    CompletionStage<Engagement> of(String accountId, String campaignId);
  }

  /** What the unsubscribe page shows: which campaign's lists the person leaves. */
  public record UnsubscribeTarget(String campaignName, List<String> listNames) {}

  /** Recipients' requests: opens, clicks and unsubscribes, each behind a signed token. */
  public interface RecipientRequests {
    /** Records an open; false when the token is not genuine (nothing is recorded). */
    boolean open(String token);

    /** The stored link of a genuine click token, recording the click; empty otherwise. */
    CompletionStage<Optional<String>> click(String token);

    /** What a genuine unsubscribe token leaves, for the confirmation page; empty otherwise. */
    CompletionStage<Optional<UnsubscribeTarget>> unsubscribeTarget(String token);

    /** Unsubscribes the person of a genuine token; false when the token is not genuine. */
    CompletionStage<Boolean> unsubscribe(String token);
  }
}
