package io.herald.node.imports;

import io.herald.node.storage.ScratchDatabase;

/** {@link ImportErrorsContract} on embedded H2. */
class H2ImportErrorsTest extends ImportErrorsContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.h2();
  }
}
