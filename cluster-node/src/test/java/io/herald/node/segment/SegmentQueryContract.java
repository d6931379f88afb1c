package io.herald.node.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.gateway.SegmentFilters;
import io.herald.gateway.SubscriberDirectory.Page;
import io.herald.node.campaign.JdbcAudience;
import io.herald.node.storage.Database;
import io.herald.node.storage.ScratchDatabase;
import io.herald.node.storage.UtcTimestamps;
import io.herald.node.subscriber.JdbcSubscriberDirectory;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a segment filter selects, on every vendor: seeded read-model rows, each operator, numbers
 * against strings against dates, and/or/not, list and activity conditions, and that counts, member
 * pages and a campaign's audience agree. One subclass per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SegmentQueryContract {

  private static final String ACME = "acme";
  private static final Instant NOW = Instant.parse("2025-06-15T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScratchDatabase scratch;
  private Database db;
  private ExecutorService executor;
  private JdbcSubscriberDirectory directory;

  /** A new empty database of the backend under test. */
  protected abstract ScratchDatabase createScratch();

  @BeforeAll
  void seed() throws SQLException {
    scratch = createScratch();
    db = Database.start(scratch.settings());
    executor = Executors.newFixedThreadPool(2);
    directory = new JdbcSubscriberDirectory(db.dataSource(), db.kind(), executor);
    try (Connection c = db.dataSource().getConnection()) {
      subscriber(
          c,
          ACME,
          "ann",
          "ann@example.com",
          "Ann",
          "{\"plan\":\"pro\",\"seats\":3,\"score\":9.5,\"vip\":true,\"since\":\"2024-01-10\","
              + "\"tags\":[\"a\"],\"note\":\"=1+2\"}",
          "ACTIVE",
          "2025-01-01T00:00:00Z");
      subscriber(
          c,
          ACME,
          "bob",
          "bob@test.org",
          "Bob",
          "{\"plan\":\"free\",\"seats\":12,\"since\":\"2024-03-01T10:00:00Z\",\"vip\":false}",
          "BOUNCED",
          "2025-02-01T00:00:00Z");
      subscriber(
          c,
          ACME,
          "cid",
          "cid_x@example.com",
          null,
          "{\"plan\":\"Pro\",\"seats\":\"3\",\"nested\":{\"plan\":\"pro\"}}",
          "ACTIVE",
          "2025-03-01T00:00:00Z");
      subscriber(
          c,
          ACME,
          "dee",
          "dee@example.com",
          "Dee",
          // Numbers and dates followed by a line break are text, on every vendor.
          "{\"rank\":\"3\\n\",\"seen\":\"2024-01-10\\n\"}",
          "COMPLAINED",
          "2025-04-01T00:00:00Z");
      subscriber(
          c,
          "globex",
          "ann",
          "ann@example.com",
          "Ann",
          "{\"plan\":\"pro\"}",
          "ACTIVE",
          "2025-01-01T00:00:00Z");
      member(c, ACME, "news", "ann", "SUBSCRIBED");
      member(c, ACME, "news", "bob", "UNSUBSCRIBED");
      member(c, ACME, "offers", "bob", "SUBSCRIBED");
      member(c, "globex", "news", "ann", "SUBSCRIBED");
      activity(c, "campaign_opens", "cmp_1", "dee", "2025-05-01T00:00:00Z");
      activity(c, "campaign_opens", "cmp_1", "ann", "2025-05-01T00:00:00Z");
      try (PreparedStatement st =
          c.prepareStatement(
              "INSERT INTO campaign_clicks (account_id, campaign_id, subscriber_id, link_index,"
                  + " first_at) VALUES (?, ?, ?, 0, ?)")) {
        st.setString(1, ACME);
        st.setString(2, "cmp_2");
        st.setString(3, "dee");
        UtcTimestamps.bind(st, 4, Instant.parse("2025-06-01T00:00:00Z"), db.kind());
        st.executeUpdate();
      }
      // Ann opened a campaign of the other account's: never counted for acme.
      activity(c, "campaign_opens", "cmp_9", "bob", "2025-05-01T00:00:00Z");
    }
  }

  @AfterAll
  void stop() throws SQLException {
    executor.shutdownNow();
    db.close();
    scratch.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'field':'status','op':'eq','value':'active'} | ann cid",
        "{'field':'status','op':'ne','value':'active'} | bob dee",
        "{'field':'status','op':'in','value':['bounced','complained']} | bob dee",
        "{'field':'status','op':'eq','value':'unsubscribed'} | ''",
        "{'field':'email','op':'endsWith','value':'@example.com'} | ann cid dee",
        "{'field':'email','op':'eq','value':'ANN@example.com'} | ''",
        "{'field':'email','op':'contains','value':'_x'} | cid",
        "{'field':'email','op':'contains','value':'%'} | ''",
        "{'field':'email','op':'in','value':['bob@test.org','dee@example.com']} | bob dee",
        "{'field':'email','op':'lt','value':'c'} | ann bob",
        "{'field':'name','op':'eq','value':'Ann'} | ann",
        "{'field':'name','op':'ne','value':'Ann'} | bob cid dee",
        "{'field':'name','op':'exists','value':false} | cid",
        "{'field':'name','op':'startsWith','value':'D'} | dee",
        "{'field':'createdAt','op':'gte','value':'2025-02-01'} | bob cid dee",
        "{'field':'createdAt','op':'lt','value':'2025-02-01T00:00:00Z'} | ann",
        "{'field':'createdAt','op':'lte','value':'2025-02-01T02:00:00+02:00'} | ann bob",
        "{'attribute':'plan','op':'eq','value':'pro'} | ann",
        "{'attribute':'plan','op':'ne','value':'pro'} | bob cid dee",
        "{'attribute':'plan','op':'in','value':['pro','free']} | ann bob",
        "{'attribute':'plan','op':'gt','value':'a'} | ann bob",
        "{'attribute':'plan','op':'startsWith','value':'p'} | ann",
        "{'attribute':'plan','op':'endsWith','value':'ro'} | ann cid",
        "{'attribute':'plan','op':'contains','value':'e'} | bob",
        "{'attribute':'seats','op':'gt','value':5} | bob",
        "{'attribute':'seats','op':'lt','value':5} | ann cid",
        "{'attribute':'seats','op':'gte','value':3} | ann bob cid",
        "{'attribute':'seats','op':'eq','value':3} | ann cid",
        "{'attribute':'seats','op':'eq','value':'3'} | cid",
        "{'attribute':'seats','op':'in','value':[3,12]} | ann bob cid",
        "{'attribute':'score','op':'lte','value':9.5} | ann",
        "{'attribute':'plan','op':'gte','value':0} | ''",
        "{'attribute':'rank','op':'gte','value':0} | ''",
        "{'attribute':'seen','op':'gte','value':'2000-01-01'} | ''",
        "{'attribute':'rank','op':'exists','value':true} | dee",
        "{'attribute':'plan','op':'ne','value':0} | ann bob cid dee",
        "{'attribute':'vip','op':'eq','value':true} | ann",
        "{'attribute':'vip','op':'eq','value':false} | bob",
        "{'attribute':'vip','op':'ne','value':true} | bob cid dee",
        "{'attribute':'since','op':'gt','value':'2024-02-01'} | bob",
        "{'attribute':'since','op':'lt','value':'2024-03-01T10:00:01Z'} | ann bob",
        "{'attribute':'since','op':'lt','value':'2024-01-10T00:00:00Z'} | ''",
        "{'attribute':'plan','op':'exists'} | ann bob cid",
        "{'attribute':'plan','op':'exists','value':false} | dee",
        "{'attribute':'tags','op':'exists'} | ann",
        "{'attribute':'nested','op':'eq','value':'pro'} | ''",
        "{'attribute':'note','op':'startsWith','value':'='} | ann",
        "{'list':'news'} | ann",
        "{'list':'news','status':'unsubscribed'} | bob",
        "{'list':'offers','status':'subscribed'} | bob",
        "{'activity':'opened'} | ann dee",
        "{'activity':'opened','campaign':'cmp_1'} | ann dee",
        "{'activity':'opened','campaign':'cmp_2'} | ''",
        "{'activity':'clicked'} | dee",
        "{'activity':'clicked','within':'P30D'} | dee",
        "{'activity':'opened','within':'P30D'} | ''",
        "{'activity':'clicked','since':'2025-06-02'} | ''",
        "{'and':[{'field':'status','op':'eq','value':'active'},"
            + "{'not':{'attribute':'plan','op':'eq','value':'pro'}}]} | cid",
        "{'or':[{'list':'offers'},{'attribute':'plan','op':'eq','value':'Pro'}]} | bob cid",
        "{'not':{'or':[{'list':'offers'},{'attribute':'plan','op':'eq','value':'Pro'}]}}"
            + " | ann dee",
        "{'and':[{'activity':'opened'},{'or':[{'field':'name','op':'eq','value':'Dee'},"
            + "{'attribute':'seats','op':'lt','value':10}]}]} | ann dee",
      })
  void aFilterSelectsExactlyItsSubscribers(String filter, String expected) throws Exception {
    var tree = JSON.readTree(filter.replace('\'', '"'));
    var compiled = SegmentFilters.parse(tree, listId -> true, NOW);
    var want = new TreeSet<String>();
    for (String id : expected.trim().split("\\s+")) {
      if (!id.isEmpty()) {
        want.add(id);
      }
    }

    long count =
        directory.countMatching(ACME, compiled).toCompletableFuture().get(30, TimeUnit.SECONDS);
    var members = new ArrayList<String>();
    Optional<String> after = Optional.empty();
    while (true) {
      Page page =
          directory
              .matching(ACME, compiled, 2, after)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      page.items().forEach(s -> members.add(s.id()));
      if (!page.hasMore()) {
        break;
      }
      after = Optional.of(page.items().get(page.items().size() - 1).id());
    }

    assertThat(members).as("members of %s", filter).containsExactlyElementsOf(want);
    assertThat(count).as("count of %s", filter).isEqualTo(want.size());
  }

  @Test
  void aCountAddsUpEveryRangeOfRealSubscriberIds() throws Exception {
    // Real ids are base32 hashes of the address; a count splits them into ranges of ids.
    String account = "acc_ranges";
    var ids = new TreeSet<String>();
    try (Connection c = db.dataSource().getConnection()) {
      for (int i = 0; i < 64; i++) {
        String email = "r" + i + "@example.org";
        String id = SubscriberKeys.subscriberId(account, EmailAddress.parse(email).orElseThrow());
        ids.add(id);
        subscriber(c, account, id, email, null, "{}", "ACTIVE", "2025-01-01T00:00:00Z");
      }
      // The edges of the alphabet and of the split, and one id in each of them.
      for (String id : List.of("2", "k", "j7", "kaaa", "zzzz")) {
        ids.add(id);
        subscriber(
            c, account, id, id + "@example.org", null, "{}", "ACTIVE", "2025-01-01T00:00:00Z");
      }
    }
    var active =
        SegmentFilters.parse(
            JSON.readTree("{\"field\":\"status\",\"op\":\"eq\",\"value\":\"active\"}"),
            listId -> true,
            NOW);

    long count =
        directory.countMatching(account, active).toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(ids.first()).isLessThan("k");
    assertThat(ids.last()).isGreaterThan("k");
    assertThat(count).isEqualTo(ids.size());
  }

  @Test
  void aCampaignAudienceIsActiveListMembersOrSegmentMatchesEachOnce() throws Exception {
    var audience = new JdbcAudience(db.dataSource(), db.kind(), executor, 1);
    String plan = "{\"attribute\":\"plan\",\"op\":\"exists\"}";
    String pro = "{\"attribute\":\"plan\",\"op\":\"eq\",\"value\":\"pro\"}";

    var bySegments =
        audience.plan(ACME, List.of(), List.of(plan, pro), 10).toCompletableFuture().get();
    // Bob matches but bounced; Ann matches both segments and counts once.
    assertThat(bySegments.recipients()).isEqualTo(2);
    var withList =
        audience.plan(ACME, List.of("news"), List.of(plan), 10).toCompletableFuture().get();
    assertThat(withList.recipients()).isEqualTo(2);
    var batch = withList.batches().get(0);
    var recipients =
        audience
            .recipients(ACME, List.of("news"), List.of(plan), batch.afterId(), batch.lastId(), 10)
            .toCompletableFuture()
            .get();
    assertThat(recipients)
        .extracting(JdbcAudience.Recipient::subscriberId)
        .containsExactly("ann", "cid");
  }

  private void subscriber(
      Connection c,
      String account,
      String id,
      String email,
      String name,
      String attributes,
      String status,
      String createdAt)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO subscribers (account_id, id, email, name, attributes, status, created_at,"
                + " updated_at, status_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, account);
      st.setString(2, id);
      st.setString(3, email);
      st.setString(4, name);
      st.setString(5, attributes);
      st.setString(6, status);
      UtcTimestamps.bind(st, 7, Instant.parse(createdAt), db.kind());
      UtcTimestamps.bind(st, 8, Instant.parse(createdAt), db.kind());
      UtcTimestamps.bind(st, 9, Instant.parse(createdAt), db.kind());
      st.executeUpdate();
    }
  }

  private void member(Connection c, String account, String list, String id, String status)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO list_members (account_id, list_id, subscriber_id, status, since)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      st.setString(1, account);
      st.setString(2, list);
      st.setString(3, id);
      st.setString(4, status);
      UtcTimestamps.bind(st, 5, NOW, db.kind());
      st.executeUpdate();
    }
  }

  private void activity(Connection c, String table, String campaign, String id, String at)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " (account_id, campaign_id, subscriber_id, first_at) VALUES (?, ?, ?, ?)")) {
      st.setString(1, campaign.equals("cmp_9") ? "globex" : ACME);
      st.setString(2, campaign);
      st.setString(3, id);
      UtcTimestamps.bind(st, 4, Instant.parse(at), db.kind());
      st.executeUpdate();
    }
  }
}
