package io.herald.node.subscriber;

import io.herald.node.storage.DatabaseSettings;
import io.herald.node.storage.MultiRowInsert;
import io.herald.node.storage.UtcTimestamps;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Writes the final state of changed subscribers into {@code subscribers} and {@code list_members},
 * with a handful of multi-row statements per batch whatever its size (DESIGN.md, principle 9): on
 * MySQL fixed-size multi-row upserts of rows and of memberships ({@link MultiRowInsert}), on H2 one
 * JDBC batch of each, and for erasures one delete of each per account (in chunks of {@value #CHUNK}
 * ids).
 *
 * <p>An upsert replaces the row and upserts every membership of the subscriber; an erasure deletes
 * both. A partition never drops a membership (leaving a list changes its status), so an upsert
 * needs no delete: that keeps bulk imports to pure upserts, which neither rewrite index pages twice
 * nor take the gap locks on which concurrent InnoDB writers deadlock. Writing the same changes
 * twice leaves the same rows, so a batch replayed after a crash is harmless.
 */
final class SubscriberRowWriter {

  /** The most ids in one {@code IN} list, and the most rows in one JDBC batch. */
  static final int CHUNK = 500;

  private static final String UPSERT_COLUMNS =
      "account_id, id, email, name, attributes, status, status_since, created_at, updated_at";

  private static final String H2_UPSERT =
      "MERGE INTO subscribers ("
          + UPSERT_COLUMNS
          + ") KEY (account_id, id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  // VALUES() rather than a row alias: MariaDB has no row alias, and MySQL still accepts VALUES().
  private static final String MYSQL_UPSERT_TAIL =
      " ON DUPLICATE KEY UPDATE email = VALUES(email), name = VALUES(name),"
          + " attributes = VALUES(attributes), status = VALUES(status),"
          + " status_since = VALUES(status_since),"
          + " created_at = VALUES(created_at), updated_at = VALUES(updated_at)";

  private static final String H2_UPSERT_MEMBERSHIP =
      "MERGE INTO list_members (account_id, list_id, subscriber_id, status, since)"
          + " KEY (account_id, list_id, subscriber_id) VALUES (?, ?, ?, ?, ?)";

  private static final String MYSQL_UPSERT_MEMBERSHIP_TAIL =
      " ON DUPLICATE KEY UPDATE status = VALUES(status), since = VALUES(since)";

  private static final Comparator<Change> KEY_ORDER =
      Comparator.comparing(Change::accountId).thenComparing(Change::subscriberId);

  /** What happened to one subscriber of one account, as the read model must show it. */
  sealed interface Change permits Upsert, Erase {
    String accountId();

    String subscriberId();
  }

  /**
   * The subscriber now stands as given. {@code afterErasure} says that the person was erased
   * earlier in the same group: their old memberships must go before the new ones are written.
   */
  record Upsert(String accountId, Subscriber subscriber, boolean afterErasure) implements Change {

    /** An upsert with no erasure before it. */
    Upsert(String accountId, Subscriber subscriber) {
      this(accountId, subscriber, false);
    }

    @Override
    public String subscriberId() {
      return subscriber.id();
    }
  }

  /** The subscriber is gone. */
  record Erase(String accountId, String subscriberId) implements Change {}

  private final DatabaseSettings.Kind kind;
  private final boolean h2;
  private final MultiRowInsert<Upsert> mysqlUpsert;
  private final MultiRowInsert<MemberRow> mysqlUpsertMembership;

  private SubscriberRowWriter(DatabaseSettings.Kind kind) {
    this.kind = kind;
    this.h2 = kind == DatabaseSettings.Kind.H2;
    this.mysqlUpsert =
        new MultiRowInsert<>(
            "INSERT INTO subscribers (" + UPSERT_COLUMNS + ") VALUES",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            MYSQL_UPSERT_TAIL,
            this::bindRow);
    this.mysqlUpsertMembership =
        new MultiRowInsert<>(
            "INSERT INTO list_members (account_id, list_id, subscriber_id, status, since) VALUES",
            "(?, ?, ?, ?, ?)",
            MYSQL_UPSERT_MEMBERSHIP_TAIL,
            this::bindMembership);
  }

  /** The writer for a vendor's upsert syntax. */
  static SubscriberRowWriter forKind(DatabaseSettings.Kind kind) {
    return new SubscriberRowWriter(kind);
  }

  /**
   * Writes the changes in the caller's transaction.
   *
   * @param changes at most one per (account, subscriber): the last that happened
   */
  void write(Connection connection, Collection<Change> changes) throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    // Rows in key order: concurrent writers then lock in the same order, which keeps InnoDB's
    // deadlock detector quiet.
    List<Change> sorted = changes.stream().sorted(KEY_ORDER).toList();
    List<Upsert> upserts = new ArrayList<>();
    for (Change change : sorted) {
      if (change instanceof Upsert upsert) {
        upserts.add(upsert);
      }
    }

    // Erased subscribers lose their memberships and their row; one erased and back within the
    // group loses the old memberships before the new ones are written.
    deleteByIds(
        connection,
        "DELETE FROM list_members",
        "subscriber_id",
        sorted,
        c -> c instanceof Erase || (c instanceof Upsert u && u.afterErasure()));
    deleteByIds(connection, "DELETE FROM subscribers", "id", sorted, c -> c instanceof Erase);

    upsertRows(connection, upserts);

    upsertMemberships(connection, upserts);
  }

  private void deleteByIds(
      Connection connection,
      String deleteFrom,
      String idColumn,
      List<Change> changes,
      Predicate<Change> which)
      throws SQLException {
    Map<String, List<String>> idsByAccount =
        changes.stream()
            .filter(which)
            .collect(
                Collectors.groupingBy(
                    Change::accountId,
                    TreeMap::new,
                    Collectors.mapping(Change::subscriberId, Collectors.toList())));
    for (Map.Entry<String, List<String>> entry : idsByAccount.entrySet()) {
      List<String> ids = entry.getValue();
      for (int from = 0; from < ids.size(); from += CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
        // H2 uses only the account_id prefix of an index for "account_id = ? AND id IN (...)",
        // scanning the whole account; it uses the full index for a row-value IN. MySQL and
        // MariaDB use a range on the composite index for the first form.
        String sql =
            h2
                ? deleteFrom
                    + " WHERE (account_id, "
                    + idColumn
                    + ") IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?)"))
                    + ")"
                : deleteFrom
                    + " WHERE account_id = ? AND "
                    + idColumn
                    + " IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ")";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          int index = 1;
          if (!h2) {
            statement.setString(index++, entry.getKey());
          }
          for (String id : chunk) {
            if (h2) {
              statement.setString(index++, entry.getKey());
            }
            statement.setString(index++, id);
          }
          statement.executeUpdate();
        }
      }
    }
  }

  private int bindRow(PreparedStatement statement, int first, Upsert upsert) throws SQLException {
    Subscriber s = upsert.subscriber();
    int i = first;
    statement.setString(i++, upsert.accountId());
    statement.setString(i++, s.id());
    statement.setString(i++, Objects.requireNonNull(s.email(), "email"));
    statement.setString(i++, s.name());
    statement.setString(i++, AttributesJson.write(s.attributes()));
    statement.setString(i++, Objects.requireNonNull(s.status(), "status").name());
    // Post-images written before statuses had a time carry none: their creation time stands.
    UtcTimestamps.bind(
        statement, i++, s.statusSince() == null ? s.createdAt() : s.statusSince(), kind);
    UtcTimestamps.bind(statement, i++, s.createdAt(), kind);
    UtcTimestamps.bind(statement, i++, s.updatedAt(), kind);
    return i;
  }

  private int bindMembership(PreparedStatement statement, int first, MemberRow row)
      throws SQLException {
    int i = first;
    statement.setString(i++, row.accountId());
    statement.setString(i++, row.membership().listId());
    statement.setString(i++, row.subscriberId());
    statement.setString(i++, Objects.requireNonNull(row.membership().status(), "status").name());
    UtcTimestamps.bind(statement, i++, row.membership().since(), kind);
    return i;
  }

  /** One row of {@code list_members}. */
  private record MemberRow(String accountId, String subscriberId, Membership membership) {}

  private void upsertRows(Connection connection, List<Upsert> upserts) throws SQLException {
    if (h2) {
      batch(connection, H2_UPSERT, upserts, this::bindRow);
    } else {
      mysqlUpsert.write(connection, upserts);
    }
  }

  private void upsertMemberships(Connection connection, List<Upsert> upserts) throws SQLException {
    List<MemberRow> rows = new ArrayList<>(upserts.size());
    for (Upsert upsert : upserts) {
      for (Membership membership : distinctLists(upsert.subscriber())) {
        rows.add(new MemberRow(upsert.accountId(), upsert.subscriberId(), membership));
      }
    }
    if (h2) {
      batch(connection, H2_UPSERT_MEMBERSHIP, rows, this::bindMembership);
    } else {
      mysqlUpsertMembership.write(connection, rows);
    }
  }

  /** H2 is in the JVM: a JDBC batch of single-row statements costs no round trips. */
  private static <T> void batch(
      Connection connection, String sql, List<T> rows, MultiRowInsert.RowBinder<T> binder)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int pending = 0;
      for (T row : rows) {
        binder.bind(statement, 1, row);
        statement.addBatch();
        if (++pending == CHUNK) {
          statement.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        statement.executeBatch();
      }
    }
  }

  // One row per list: a post-image that names a list twice keeps its last membership rather than
  // failing the whole batch on the primary key.
  private static Collection<Membership> distinctLists(Subscriber subscriber) {
    if (subscriber.lists() == null) {
      return List.of();
    }
    Map<String, Membership> byList = new LinkedHashMap<>();
    for (Membership membership : subscriber.lists()) {
      byList.put(membership.listId(), membership);
    }
    return byList.values();
  }
}
