package io.herald.node.segment;

import io.herald.node.storage.ScratchDatabase;

/** {@link SegmentQueryContract} on embedded H2. */
class H2SegmentQueryTest extends SegmentQueryContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }
}
