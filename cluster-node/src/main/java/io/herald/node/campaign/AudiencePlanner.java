package io.herald.node.campaign;

import io.herald.protocol.CampaignProtocol.BatchRange;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Counts a campaign's audience and cuts it into batches, from the subscriber read model. */
public interface AudiencePlanner {

  /** The audience of a campaign, in batches of at most {@code batchSize} recipients. */
  record Plan(int recipients, List<BatchRange> batches) {}

  /**
   * Plans the recipients: every active subscriber subscribed to at least one of the lists or
   * matching at least one of the segment filters (JSON text), each once, in subscriber id order.
   */
  CompletionStage<Plan> plan(
      String accountId, List<String> listIds, List<String> segmentFilters, int batchSize);
}
