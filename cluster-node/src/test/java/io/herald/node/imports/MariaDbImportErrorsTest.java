package io.herald.node.imports;

import io.herald.node.storage.ScratchDatabase;

/** {@link ImportErrorsContract} on the MariaDB server of the test machine. */
class MariaDbImportErrorsTest extends ImportErrorsContract {

  @Override
  protected ScratchDatabase createScratch() {
    return ScratchDatabase.mariaDb();
  }
}
