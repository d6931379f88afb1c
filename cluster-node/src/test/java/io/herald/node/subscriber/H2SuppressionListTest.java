package io.herald.node.subscriber;

import io.herald.node.storage.ScratchDatabase;

/** {@link SuppressionListContract} on embedded H2. */
class H2SuppressionListTest extends SuppressionListContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }
}
