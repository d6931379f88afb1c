package io.herald.node.subscriber;

import io.herald.node.storage.ScratchDatabase;

/** {@link SubscriberProjectionContract} with the journal and the read model on MariaDB. */
class MariaDbSubscriberProjectionTest extends SubscriberProjectionContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }

  @Override
  protected String databaseLayer() {
    return "herald-mysql.conf";
  }
}
