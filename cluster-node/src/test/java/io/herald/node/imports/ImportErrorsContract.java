package io.herald.node.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.imports.AddressBookColumns.ParsedRow;
import io.herald.node.imports.JdbcImportErrors.RejectedRow;
import io.herald.node.storage.Database;
import io.herald.node.storage.ScratchDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the import errors table promises on every vendor: rows stored in batches come back in row
 * order page by page, a resumed job's rows after its checkpoint are removed, and no account sees
 * another's rows. One subclass per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ImportErrorsContract {

  private ScratchDatabase scratch;
  private Database db;
  private ExecutorService executor;
  private JdbcImportErrors errors;

  /** A new empty database of the backend under test. */
  protected abstract ScratchDatabase createScratch();

  @BeforeAll
  void startDatabase() {
    scratch = createScratch();
    db = Database.start(scratch.settings());
    executor = Executors.newFixedThreadPool(2);
    errors = new JdbcImportErrors(db.dataSource(), executor);
  }

  @AfterAll
  void dropDatabase() throws Exception {
    executor.shutdownNow();
    db.close();
    scratch.close();
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM import_errors");
    }
  }

  private static ParsedRow rejected(long row, String email, String reason) {
    return new ParsedRow(row - 1, row, email, null, reason);
  }

  private void insert(String account, String id, List<ParsedRow> rows) {
    errors.insert(account, id, rows).toCompletableFuture().join();
  }

  private List<RejectedRow> all(String account, String id, int pageSize) {
    var out = new ArrayList<RejectedRow>();
    long after = 0;
    while (true) {
      var page = errors.page(account, id, after, pageSize).toCompletableFuture().join();
      out.addAll(page);
      if (page.size() < pageSize) {
        return out;
      }
      after = page.get(page.size() - 1).row();
    }
  }

  @Test
  void rowsComeBackInRowOrderPageByPage() {
    insert("acme", "imp_1", List.of(rejected(9, "c@x", "third"), rejected(2, "a@x", "first")));
    insert("acme", "imp_1", List.of(rejected(5, "ünï@x", "second, with \"quotes\"")));

    assertThat(all("acme", "imp_1", 2))
        .containsExactly(
            new RejectedRow(2, "a@x", "first"),
            new RejectedRow(5, "ünï@x", "second, with \"quotes\""),
            new RejectedRow(9, "c@x", "third"));
  }

  @Test
  void aResumedJobRemovesTheRowsAfterItsCheckpoint() {
    insert("acme", "imp_1", List.of(rejected(2, "a", "r"), rejected(7, "b", "r")));
    insert("acme", "imp_2", List.of(rejected(8, "c", "r")));

    errors.deleteAfter("acme", "imp_1", 5).toCompletableFuture().join();
    insert("acme", "imp_1", List.of(rejected(7, "b", "again")));

    assertThat(all("acme", "imp_1", 10))
        .extracting(RejectedRow::reason)
        .containsExactly("r", "again");
    assertThat(all("acme", "imp_2", 10)).hasSize(1);
  }

  @Test
  void anotherAccountSeesNothing() {
    insert("acme", "imp_1", List.of(rejected(2, "a", "r")));
    assertThat(all("globex", "imp_1", 10)).isEmpty();
    errors.deleteAfter("globex", "imp_1", 0).toCompletableFuture().join();
    assertThat(all("acme", "imp_1", 10)).hasSize(1);
  }

  @Test
  void longValuesAreCutToFit() {
    insert("acme", "imp_1", List.of(rejected(2, "e".repeat(1000), "r".repeat(5000))));
    var row = all("acme", "imp_1", 10).get(0);
    assertThat(row.email()).hasSize(400);
    assertThat(row.reason()).hasSize(1000);
  }
}
