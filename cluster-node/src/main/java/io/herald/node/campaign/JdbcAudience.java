package io.herald.node.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.gateway.SegmentFilter;
import io.herald.gateway.SegmentFilters;
import io.herald.node.segment.SegmentSql;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSettings;
import io.herald.node.subscriber.AttributesJson;
import io.herald.node.subscriber.JdbcSubscriberDirectory;
import io.herald.protocol.CampaignProtocol.BatchRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * A campaign's audience from the subscriber read model: who is planned into batches, and who a
 * batch delivers to. Both ask the same question (an active subscriber, subscribed to one of the
 * campaign's lists or matching one of the filters its segments had when it was sent), so a batch
 * re-checks at delivery time: someone who unsubscribed or bounced after planning is skipped.
 */
public final class JdbcAudience implements AudiencePlanner {

  /** Ids read per query while planning, unless told otherwise. */
  private static final int PLAN_PAGE = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A person a batch delivers to. */
  public record Recipient(String subscriberId, String email, String name, ObjectNode attributes) {}

  /** The question both planning and delivery ask, compiled once. */
  private record Question(String sql, List<String> lists, List<SegmentSql.Predicate> segments) {

    int bindAudience(PreparedStatement st, int first) throws SQLException {
      int i = first;
      for (String listId : lists) {
        st.setString(i++, listId);
      }
      for (SegmentSql.Predicate p : segments) {
        i = p.bind(st, i);
      }
      return i;
    }
  }

  private final DataSource dataSource;
  private final Executor executor;
  private final DatabaseSettings.Kind kind;
  private final int planPage;

  /** An audience over a pool of the given vendor, queried on the executor. */
  public JdbcAudience(DataSource dataSource, DatabaseSettings.Kind kind, Executor executor) {
    this(dataSource, kind, executor, PLAN_PAGE);
  }

  /** An audience over a pool, queried on the executor, planning {@code planPage} ids per query. */
  public JdbcAudience(
      DataSource dataSource, DatabaseSettings.Kind kind, Executor executor, int planPage) {
    if (planPage < 1) {
      throw new IllegalArgumentException("planPage must be positive");
    }
    this.dataSource = dataSource;
    this.kind = kind;
    this.executor = executor;
    this.planPage = planPage;
  }

  /** The audience of a node: its database, queried on the read-model dispatcher. */
  public static JdbcAudience create(ActorSystem<?> system, Database db) {
    Executor executor =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(JdbcSubscriberDirectory.DISPATCHER));
    return new JdbcAudience(db.dataSource(), db.kind(), executor);
  }

  @Override
  public CompletionStage<Plan> plan(
      String accountId, List<String> listIds, List<String> segmentFilters, int batchSize) {
    return CompletableFuture.supplyAsync(
        () -> planNow(accountId, question(listIds, segmentFilters), batchSize), executor);
  }

  private Plan planNow(String accountId, Question question, int batchSize) {
    var batches = new ArrayList<BatchRange>();
    int recipients = 0;
    String after = "";
    String batchStart = "";
    int inBatch = 0;
    String last = null;
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(idsSql(question))) {
      while (true) {
        List<String> page = ids(st, accountId, question, after, planPage);
        for (String id : page) {
          recipients++;
          inBatch++;
          last = id;
          if (inBatch == batchSize) {
            batches.add(new BatchRange(batches.size(), batchStart, id, inBatch));
            batchStart = id;
            inBatch = 0;
          }
        }
        if (page.size() < planPage) {
          break;
        }
        after = page.get(page.size() - 1);
      }
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
    if (inBatch > 0) {
      batches.add(new BatchRange(batches.size(), batchStart, last, inBatch));
    }
    return new Plan(recipients, List.copyOf(batches));
  }

  private static List<String> ids(
      PreparedStatement st, String accountId, Question question, String after, int limit)
      throws SQLException {
    int i = 1;
    st.setString(i++, accountId);
    if (question.segments().isEmpty() && question.lists().size() == 1) {
      st.setString(i++, question.lists().get(0));
    } else {
      i = question.bindAudience(st, i);
    }
    st.setString(i++, after);
    st.setInt(i, limit);
    var out = new ArrayList<String>(limit);
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * The audience's ids after a cursor, in id order and each once, read in index order so that the
   * database stops at the limit. One list is read from its members; several, or segments, are read
   * from the account's subscribers with a membership test or the segments' predicates, which needs
   * no DISTINCT (a DISTINCT makes H2 collect and sort the whole rest of the audience for every
   * page). Each ORDER BY names the index's leading columns, which lets H2 see that the index is
   * already in order.
   */
  private String idsSql(Question question) {
    if (question.segments().isEmpty() && question.lists().size() == 1) {
      return "SELECT m.subscriber_id FROM list_members m"
          + " JOIN subscribers s ON s.account_id = m.account_id AND s.id = m.subscriber_id"
          + " WHERE m.account_id = ? AND m.list_id = ?"
          + " AND m.status = 'SUBSCRIBED' AND s.status = 'ACTIVE' AND m.subscriber_id > ?"
          + " ORDER BY m.account_id, m.list_id, m.subscriber_id LIMIT ?";
    }
    return "SELECT s.id FROM subscribers s"
        + JdbcSubscriberDirectory.alongPrimaryKey(kind)
        + " WHERE s.account_id = ? AND "
        + question.sql()
        + " AND s.status = 'ACTIVE' AND s.id > ?"
        + JdbcSubscriberDirectory.inIdOrder(kind)
        + " LIMIT ?";
  }

  /** The lists and the frozen filters as one predicate over {@code subscribers s}. */
  private Question question(List<String> listIds, List<String> segmentFilters) {
    var parts = new ArrayList<String>();
    if (!listIds.isEmpty()) {
      parts.add(
          "EXISTS (SELECT 1 FROM list_members m WHERE m.account_id = s.account_id"
              + " AND m.subscriber_id = s.id AND m.status = 'SUBSCRIBED' AND m.list_id IN ("
              + placeholders(listIds.size())
              + "))");
    }
    var predicates = new ArrayList<SegmentSql.Predicate>();
    for (String filter : segmentFilters) {
      SegmentSql.Predicate p = SegmentSql.compile(frozen(filter), kind);
      predicates.add(p);
      parts.add(p.sql());
    }
    if (parts.isEmpty()) {
      parts.add("1 = 0");
    }
    return new Question(
        "(" + String.join(" OR ", parts) + ")", List.copyOf(listIds), List.copyOf(predicates));
  }

  /** A filter frozen at send time; it was valid then, and its lists cannot be deleted. */
  private static SegmentFilter frozen(String filter) {
    try {
      return SegmentFilters.parse(JSON.readTree(filter), listId -> true, Instant.EPOCH);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a campaign's frozen segment filter is not JSON", e);
    }
  }

  /**
   * Up to {@code limit} recipients of a batch range after {@code afterId}, in id order, as they
   * stand now.
   */
  public CompletionStage<List<Recipient>> recipients(
      String accountId,
      List<String> listIds,
      List<String> segmentFilters,
      String afterId,
      String lastId,
      int limit) {
    return CompletableFuture.supplyAsync(
        () -> recipientsNow(accountId, question(listIds, segmentFilters), afterId, lastId, limit),
        executor);
  }

  private List<Recipient> recipientsNow(
      String accountId, Question question, String afterId, String lastId, int limit) {
    String sql =
        "SELECT s.id, s.email, s.name, s.attributes FROM subscribers s"
            + JdbcSubscriberDirectory.alongPrimaryKey(kind)
            + " WHERE s.account_id = ? AND s.id > ? AND s.id <= ? AND s.status = 'ACTIVE'"
            + " AND "
            + question.sql()
            + JdbcSubscriberDirectory.inIdOrder(kind)
            + " LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(sql)) {
      int i = 1;
      st.setString(i++, accountId);
      st.setString(i++, afterId);
      st.setString(i++, lastId);
      i = question.bindAudience(st, i);
      st.setInt(i, limit);
      var out = new ArrayList<Recipient>(limit);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Recipient(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  AttributesJson.read(rs.getString(4))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
