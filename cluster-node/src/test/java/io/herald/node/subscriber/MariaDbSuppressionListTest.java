package io.herald.node.subscriber;

import io.herald.node.storage.ScratchDatabase;

/** {@link SuppressionListContract} on the MariaDB server of the test machine. */
class MariaDbSuppressionListTest extends SuppressionListContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }
}
