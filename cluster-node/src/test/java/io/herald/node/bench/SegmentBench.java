package io.herald.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.SegmentFilter;
import io.herald.gateway.SegmentFilters;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSettings;
import io.herald.node.storage.ScratchDatabase;
import io.herald.node.storage.UtcTimestamps;
import io.herald.node.subscriber.JdbcSubscriberDirectory;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Segment counts and first pages over a large read model: fills {@code subscribers}, {@code
 * list_members} and {@code campaign_opens} straight with multi-row inserts, then times {@code
 * countMatching} and a first page of 100 for representative filters (median of three after one
 * warm-up). It also times writing an attribute index (one row per subscriber and key) beside the
 * subscribers, the alternative ADR 0008 weighs.
 *
 * <p>Run: {@code bench/segment-count.sh [h2|mariadb] [subscribers] [h2 cache in KB]}.
 */
public final class SegmentBench {

  private static final String ACCOUNT = "acc_bench";
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final String[] PLANS = {"free", "pro", "team", "trial", "enterprise"};
  private static final String[] CITIES = {
    "Oslo", "Lyon", "Bern", "Rome", "Kyiv", "Lima", "Pune", "Kobe", "Faro", "Gent"
  };
  private static final int ROWS_PER_INSERT = 500;

  private SegmentBench() {}

  /** Args: {@code h2} or {@code mariadb}, number of subscribers. */
  public static void main(String[] args) throws Exception {
    String vendor = args.length > 0 ? args[0] : "h2";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    // An H2 page cache in KB other than the node's default, to show what memory buys.
    String h2Cache = args.length > 2 ? ";CACHE_SIZE=" + Integer.parseInt(args[2]) : "";
    Path dir = Files.createTempDirectory("segment-bench");
    ScratchDatabase scratch = vendor.equals("h2") ? null : ScratchDatabase.mariaDb();
    DatabaseSettings settings =
        scratch == null
            // H2 would otherwise hand a repeated deterministic query its previous result.
            ? new DatabaseSettings(
                DatabaseSettings.Kind.H2,
                Database.h2Url(dir) + ";QUERY_CACHE_SIZE=0" + h2Cache,
                "",
                "",
                4)
            : scratch.settings();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (Database db = Database.start(settings)) {
      long fill = System.nanoTime();
      fill(db, n);
      System.out.printf("filled %,d subscribers in %.1f s%n", n, (System.nanoTime() - fill) / 1e9);
      attributeIndexCost(db, Math.min(n, 50_000));

      var directory = new JdbcSubscriberDirectory(db.dataSource(), db.kind(), executor);
      System.out.println();
      System.out.println("| filter | matches | count (ms) | first page of 100 (ms) |");
      System.out.println("| --- | --- | --- | --- |");
      for (String[] filter : filters()) {
        SegmentFilter parsed =
            SegmentFilters.parse(new ObjectMapper().readTree(filter[1]), id -> true, NOW);
        long matches = 0;
        long[] counts = new long[3];
        long[] pages = new long[3];
        directory.countMatching(ACCOUNT, parsed).toCompletableFuture().get();
        directory.matching(ACCOUNT, parsed, 100, Optional.empty()).toCompletableFuture().get();
        for (int i = 0; i < 3; i++) {
          long t = System.nanoTime();
          matches = directory.countMatching(ACCOUNT, parsed).toCompletableFuture().get();
          counts[i] = System.nanoTime() - t;
          t = System.nanoTime();
          directory.matching(ACCOUNT, parsed, 100, Optional.empty()).toCompletableFuture().get();
          pages[i] = System.nanoTime() - t;
        }
        Arrays.sort(counts);
        Arrays.sort(pages);
        System.out.printf(
            "| %s | %,d | %d | %d |%n",
            filter[0], matches, counts[1] / 1_000_000, pages[1] / 1_000_000);
      }
    } finally {
      executor.shutdownNow();
      if (scratch != null && System.getenv("SEGMENT_BENCH_KEEP") == null) {
        scratch.close();
      }
    }
  }

  private static List<String[]> filters() {
    return List.of(
        new String[] {
          "status eq bounced", "{\"field\":\"status\",\"op\":\"eq\",\"value\":\"bounced\"}"
        },
        new String[] {
          "attribute string eq (plan = pro)",
          "{\"attribute\":\"plan\",\"op\":\"eq\",\"value\":\"pro\"}"
        },
        new String[] {
          "attribute numeric range (100 <= score < 200)",
          "{\"and\":[{\"attribute\":\"score\",\"op\":\"gte\",\"value\":100},"
              + "{\"attribute\":\"score\",\"op\":\"lt\",\"value\":200}]}"
        },
        new String[] {"list membership (subscribed to news)", "{\"list\":\"lst_news\"}"},
        new String[] {
          "and/or mix",
          "{\"and\":[{\"field\":\"status\",\"op\":\"eq\",\"value\":\"active\"},"
              + "{\"or\":[{\"attribute\":\"city\",\"op\":\"in\",\"value\":[\"Oslo\",\"Bern\"]},"
              + "{\"list\":\"lst_offers\"}]},"
              + "{\"not\":{\"attribute\":\"plan\",\"op\":\"eq\",\"value\":\"free\"}}]}"
        },
        new String[] {
          "activity (opened cmp_1 within P30D)",
          "{\"activity\":\"opened\",\"campaign\":\"cmp_1\",\"within\":\"P30D\"}"
        },
        new String[] {"activity (opened any campaign)", "{\"activity\":\"opened\"}"});
  }

  /**
   * Subscribers with ids in random order (as hashed ids are), 90% active; half on one list, a fifth
   * on another; a tenth opened a campaign in the last 60 days.
   */
  private static void fill(Database db, int n) throws SQLException {
    var random = new java.util.Random(42);
    long[] spent = new long[3];
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      var subscribers = new ArrayList<Object[]>(ROWS_PER_INSERT);
      var members = new ArrayList<Object[]>();
      var opens = new ArrayList<Object[]>();
      for (int i = 0; i < n; i++) {
        String id = subscriberId(i);
        String status = i % 10 == 0 ? (i % 20 == 0 ? "BOUNCED" : "COMPLAINED") : "ACTIVE";
        String attributes =
            String.format(
                "{\"plan\":\"%s\",\"score\":%d,\"city\":\"%s\",\"since\":\"2025-%02d-%02d\"}",
                PLANS[random.nextInt(PLANS.length)],
                random.nextInt(1000),
                CITIES[random.nextInt(CITIES.length)],
                1 + random.nextInt(12),
                1 + random.nextInt(28));
        Instant created = NOW.minus(Duration.ofMinutes(random.nextInt(500_000)));
        subscribers.add(
            new Object[] {
              ACCOUNT,
              id,
              "p" + i + "@example.com",
              "P" + i,
              attributes,
              status,
              created,
              created,
              created
            });
        if (random.nextInt(2) == 0) {
          members.add(new Object[] {ACCOUNT, "lst_news", id, "SUBSCRIBED", created});
        }
        if (random.nextInt(5) == 0) {
          members.add(new Object[] {ACCOUNT, "lst_offers", id, "SUBSCRIBED", created});
        }
        if (random.nextInt(10) == 0) {
          opens.add(
              new Object[] {
                ACCOUNT,
                "cmp_" + (1 + random.nextInt(3)),
                id,
                NOW.minus(Duration.ofHours(random.nextInt(24 * 60)))
              });
        }
        if (subscribers.size() == ROWS_PER_INSERT) {
          long t0 = System.nanoTime();
          insert(c, db.kind(), "subscribers", SUBSCRIBER_COLUMNS, subscribers);
          long t1 = System.nanoTime();
          insert(c, db.kind(), "list_members", MEMBER_COLUMNS, members);
          long t2 = System.nanoTime();
          insert(c, db.kind(), "campaign_opens", OPEN_COLUMNS, opens);
          c.commit();
          spent[0] += t1 - t0;
          spent[1] += t2 - t1;
          spent[2] += System.nanoTime() - t2;
        }
      }
      insert(c, db.kind(), "subscribers", SUBSCRIBER_COLUMNS, subscribers);
      insert(c, db.kind(), "list_members", MEMBER_COLUMNS, members);
      insert(c, db.kind(), "campaign_opens", OPEN_COLUMNS, opens);
      c.commit();
      System.out.printf(
          "fill: subscribers %.1f s, list_members %.1f s, campaign_opens and commits %.1f s%n",
          spent[0] / 1e9, spent[1] / 1e9, spent[2] / 1e9);
      if (db.kind() == DatabaseSettings.Kind.MYSQL) {
        try (var st = c.createStatement()) {
          st.execute("ANALYZE TABLE subscribers, list_members, campaign_opens");
        }
      }
    }
  }

  /**
   * The id of the i-th subscriber, whose address is {@code p<i>@example.com}: a real id, the base32
   * hash of account and address, so ids come in no order, as the partitions write them.
   */
  private static String subscriberId(int i) {
    return SubscriberKeys.subscriberId(
        ACCOUNT, EmailAddress.parse("p" + i + "@example.com").orElseThrow());
  }

  private static final String SUBSCRIBER_COLUMNS =
      "account_id, id, email, name, attributes, status, created_at, updated_at, status_since";
  private static final String MEMBER_COLUMNS = "account_id, list_id, subscriber_id, status, since";
  private static final String OPEN_COLUMNS = "account_id, campaign_id, subscriber_id, first_at";

  /** One multi-row INSERT of the rows, which are then cleared. */
  private static void insert(
      Connection c, DatabaseSettings.Kind kind, String table, String columns, List<Object[]> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    int width = rows.get(0).length;
    String one = "(" + String.join(", ", Collections.nCopies(width, "?")) + ")";
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + columns
            + ") VALUES "
            + String.join(", ", Collections.nCopies(rows.size(), one));
    try (PreparedStatement st = c.prepareStatement(sql)) {
      int i = 1;
      for (Object[] row : rows) {
        for (Object value : row) {
          if (value instanceof Instant at) {
            UtcTimestamps.bind(st, i++, at, kind);
          } else {
            st.setString(i++, (String) value);
          }
        }
      }
      st.executeUpdate();
    }
    rows.clear();
  }

  /**
   * The write price of the rejected alternative: an index table with one row per subscriber and
   * attribute key (here four keys), written beside the subscribers as the projection would.
   */
  private static void attributeIndexCost(Database db, int n) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        var ddl = c.createStatement()) {
      // The read model's columns and keys (primary key and unique address), so that both sides
      // pay for their indexes.
      ddl.execute(
          "CREATE TABLE bench_subscribers (account_id VARCHAR(128) NOT NULL, id VARCHAR(32) NOT"
              + " NULL, email VARCHAR(320) NOT NULL, name VARCHAR(1000), attributes TEXT NOT NULL,"
              + " status VARCHAR(16) NOT NULL, created_at TIMESTAMP(6) NOT NULL, updated_at"
              + " TIMESTAMP(6) NOT NULL, PRIMARY KEY (account_id, id), UNIQUE (account_id,"
              + " email))");
      ddl.execute(
          "CREATE TABLE bench_attributes (account_id VARCHAR(128) NOT NULL, attr_key"
              + " VARCHAR(64) NOT NULL, subscriber_id VARCHAR(32) NOT NULL, text_value"
              + " VARCHAR(255), num_value DOUBLE, PRIMARY KEY (account_id, attr_key,"
              + " subscriber_id))");
      ddl.execute(
          "CREATE INDEX bench_attributes_text ON bench_attributes (account_id, attr_key,"
              + " text_value)");
      ddl.execute(
          "CREATE INDEX bench_attributes_num ON bench_attributes (account_id, attr_key,"
              + " num_value)");
      c.setAutoCommit(false);
      var random = new java.util.Random(7);
      long subscribersOnly = 0;
      long withIndex = 0;
      var rows = new ArrayList<Object[]>();
      var attributes = new ArrayList<Object[]>();
      for (int i = 0; i < n; i++) {
        String id = subscriberId(i);
        rows.add(
            new Object[] {
              ACCOUNT,
              id,
              "p" + i + "@example.com",
              "P" + i,
              "{\"plan\":\"pro\",\"score\":1,\"city\":\"Oslo\",\"since\":\"2025-01-01\"}",
              "ACTIVE",
              NOW,
              NOW
            });
        for (String key : List.of("plan", "score", "city", "since")) {
          attributes.add(new Object[] {ACCOUNT, key, id, key + random.nextInt(100)});
        }
        if (rows.size() == ROWS_PER_INSERT) {
          long t = System.nanoTime();
          insert(
              c,
              db.kind(),
              "bench_subscribers",
              "account_id, id, email, name, attributes, status, created_at, updated_at",
              rows);
          c.commit();
          long mid = System.nanoTime();
          insert(
              c,
              db.kind(),
              "bench_attributes",
              "account_id, attr_key, subscriber_id, text_value",
              attributes);
          c.commit();
          subscribersOnly += mid - t;
          withIndex += System.nanoTime() - mid;
        }
      }
      System.out.printf(
          "write price of an attribute index, %,d subscribers with 4 keys: subscribers alone"
              + " %,.0f rows/s; attribute rows add %.0f%% to the write time (%,.0f attribute"
              + " rows/s)%n",
          n,
          n / (subscribersOnly / 1e9),
          100.0 * withIndex / subscribersOnly,
          4.0 * n / (withIndex / 1e9));
      ddl.execute("DROP TABLE bench_attributes");
      ddl.execute("DROP TABLE bench_subscribers");
      c.commit();
    }
  }
}
