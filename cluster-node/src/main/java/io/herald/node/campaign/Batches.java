package io.herald.node.campaign;

import io.herald.protocol.CampaignProtocol.BatchRange;
import io.herald.protocol.SendBatchProtocol;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** How a campaign reaches its batches; through sharding in a node. */
public interface Batches {

  /** Asks the batch to deliver its range (or go on delivering it). */
  void run(String accountId, String campaignId, BatchRange range);

  /** Asks the batch to stop; {@code cancelled} when it will never run again. */
  void stop(String accountId, String campaignId, int number, boolean cancelled);

  /** Batches as sharded {@link SendBatchProtocol} entities. */
  static Batches sharded(ClusterSharding sharding) {
    return new Batches() {
      @Override
      public void run(String accountId, String campaignId, BatchRange range) {
        sharding
            .entityRefFor(
                SendBatchProtocol.TYPE_KEY,
                SendBatchProtocol.entityId(accountId, campaignId, range.number()))
            .tell(new SendBatchProtocol.Run(range));
      }

      @Override
      public void stop(String accountId, String campaignId, int number, boolean cancelled) {
        sharding
            .entityRefFor(
                SendBatchProtocol.TYPE_KEY,
                SendBatchProtocol.entityId(accountId, campaignId, number))
            .tell(new SendBatchProtocol.Stop(cancelled));
      }
    };
  }
}
