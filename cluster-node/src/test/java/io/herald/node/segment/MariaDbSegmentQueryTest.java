package io.herald.node.segment;

import io.herald.node.storage.ScratchDatabase;

/** {@link SegmentQueryContract} on MariaDB. */
class MariaDbSegmentQueryTest extends SegmentQueryContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }
}
