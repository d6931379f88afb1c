package io.herald.node.subscriber;

import io.herald.node.storage.ScratchDatabase;

/** {@link SubscriberProjectionContract} with the journal and the read model on embedded H2. */
class H2SubscriberProjectionTest extends SubscriberProjectionContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }

  @Override
  protected String databaseLayer() {
    return "herald-h2.conf";
  }
}
