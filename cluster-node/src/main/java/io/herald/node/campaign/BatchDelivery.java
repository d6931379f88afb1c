package io.herald.node.campaign;

import io.herald.protocol.CampaignProtocol.BatchRange;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** Delivers the letters of a batch range: one outcome per recipient, in recipient id order. */
public interface BatchDelivery {

  /** What became of one recipient's letter: handed over ({@code sent}) or failed for good. */
  record Delivered(String subscriberId, boolean sent) {}

  /**
   * The outcomes of delivering the range to the recipients after {@code afterId}, as they stand
   * when each page of recipients is read.
   */
  Source<Delivered, NotUsed> deliver(
      String accountId, String campaignId, BatchRange range, String afterId);
}
