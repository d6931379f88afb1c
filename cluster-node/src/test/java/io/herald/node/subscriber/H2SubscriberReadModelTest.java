package io.herald.node.subscriber;

import io.herald.node.storage.ScratchDatabase;

/** {@link SubscriberReadModelContract} on embedded H2. */
class H2SubscriberReadModelTest extends SubscriberReadModelContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }
}
