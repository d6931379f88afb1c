package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.gateway.SubscriberDirectory.Page;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSession;
import io.herald.node.storage.ScratchDatabase;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.Event;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the subscriber read model promises on every vendor: the projection handler's writes, the
 * directory's keyset pages, and that no account sees another's rows. One subclass per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SubscriberReadModelContract {

  /** An account. */
  protected static final String ACME = "acme";

  private static final String GLOBEX = "globex";

  /** A moment with microseconds, which every backend keeps. */
  protected static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");

  private ScratchDatabase scratch;

  /** The database under test, migrated. */
  protected Database db;

  private ExecutorService executor;
  private JdbcSubscriberDirectory directory;

  /** The handler under test, writing for this backend. */
  protected SubscriberProjectionHandler handler;

  private long offset;

  /** A new empty database of the backend under test. */
  protected abstract ScratchDatabase createScratch();

  @BeforeAll
  void startDatabase() {
    scratch = createScratch();
    db = Database.start(scratch.settings());
    executor = Executors.newFixedThreadPool(2);
    directory = new JdbcSubscriberDirectory(db.dataSource(), db.kind(), executor);
    handler = new SubscriberProjectionHandler(SubscriberRowWriter.forKind(db.kind()));
  }

  @AfterAll
  void dropDatabase() throws Exception {
    executor.shutdownNow();
    db.close();
    scratch.close();
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM list_members");
      s.executeUpdate("DELETE FROM subscribers");
    }
  }

  // --- the projection handler's writes

  @Test
  void upsertWritesTheSubscriberRowAndItsMemberships() throws Exception {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("city", "Zürich");
    attributes.put("plan", Map.of("tier", "gold", "seats", 12));
    attributes.put("tags", List.of("a", "b"));
    Subscriber ada =
        new Subscriber(
            idOf(ACME, "ada@example.com"),
            "ada@example.com",
            "Ada",
            tree(attributes),
            SubscriberStatus.ACTIVE,
            T0,
            List.of(
                new Membership("news", MembershipStatus.SUBSCRIBED, T0),
                new Membership("offers", MembershipStatus.UNCONFIRMED, T0.plusSeconds(1))),
            T0,
            T0.plusSeconds(2));

    project(ACME, new SubscribersUpserted(List.of(ada)));

    assertThat(members(ACME, "news")).containsExactly(ada);
    assertThat(members(ACME, "offers")).containsExactly(ada);
    assertThat(rowCount("subscribers")).isEqualTo(1);
    assertThat(rowCount("list_members")).isEqualTo(2);
  }

  @Test
  void laterUpsertReplacesTheRowAndUpdatesEveryMembership() throws Exception {
    String id = idOf(ACME, "bob@example.com");
    project(
        ACME,
        new SubscribersUpserted(
            List.of(
                subscriber(
                    ACME,
                    "bob@example.com",
                    new Membership("news", MembershipStatus.SUBSCRIBED, T0),
                    new Membership("offers", MembershipStatus.UNCONFIRMED, T0)))));
    Subscriber changed =
        new Subscriber(
            id,
            "bob@example.com",
            "Robert",
            tree(Map.of("plan", "pro")),
            SubscriberStatus.BOUNCED,
            T0,
            // A partition never drops a membership: leaving a list changes its status.
            List.of(
                new Membership("news", MembershipStatus.UNSUBSCRIBED, T0.plusSeconds(60)),
                new Membership("offers", MembershipStatus.SUBSCRIBED, T0.plusSeconds(60)),
                new Membership("weekly", MembershipStatus.UNSUBSCRIBED, T0.plusSeconds(60))),
            T0,
            T0.plusSeconds(60));

    project(ACME, new SubscribersUpserted(List.of(changed)));

    assertThat(members(ACME, "news")).containsExactly(changed);
    assertThat(members(ACME, "offers")).containsExactly(changed);
    assertThat(members(ACME, "weekly")).containsExactly(changed);
    assertThat(rowCount("subscribers")).isEqualTo(1);
  }

  @Test
  void erasureDeletesTheRowAndEveryMembership() throws Exception {
    Subscriber carol =
        subscriber(
            ACME,
            "carol@example.com",
            new Membership("news", MembershipStatus.SUBSCRIBED, T0),
            new Membership("offers", MembershipStatus.SUBSCRIBED, T0));
    Subscriber dan =
        subscriber(
            ACME, "dan@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    project(ACME, new SubscribersUpserted(List.of(carol, dan)));

    project(ACME, new SubscriberErased(carol.id(), T0.plusSeconds(5)));

    assertThat(members(ACME, "news")).containsExactly(dan);
    assertThat(members(ACME, "offers")).isEmpty();
    assertThat(rowCount("subscribers")).isEqualTo(1);
    assertThat(rowCount("list_members")).isEqualTo(1);
  }

  @Test
  void erasingAnUnknownSubscriberChangesNothing() throws Exception {
    Subscriber erin =
        subscriber(
            ACME, "erin@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    project(ACME, new SubscribersUpserted(List.of(erin)));

    project(ACME, new SubscriberErased(idOf(ACME, "nobody@example.com"), T0));

    assertThat(members(ACME, "news")).containsExactly(erin);
  }

  @Test
  void aGroupOfEventsLeavesEachSubscribersLastChange() throws Exception {
    Subscriber frank =
        subscriber(
            ACME, "frank@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    Subscriber grace =
        subscriber(
            ACME, "grace@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    Subscriber graceBack =
        subscriber(
            ACME, "grace@example.com", new Membership("offers", MembershipStatus.SUBSCRIBED, T0));

    project(
        ACME,
        new SubscribersUpserted(List.of(frank, grace)),
        new SubscriberErased(frank.id(), T0),
        new SubscriberErased(grace.id(), T0),
        new SubscribersUpserted(List.of(graceBack)));

    assertThat(members(ACME, "news")).isEmpty();
    assertThat(members(ACME, "offers")).containsExactly(graceBack);
    assertThat(rowCount("subscribers")).isEqualTo(1);
  }

  @Test
  void replayingAGroupLeavesTheSameRows() throws Exception {
    Subscriber heidi =
        subscriber(
            ACME, "heidi@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    Subscriber ivan =
        subscriber(
            ACME, "ivan@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    List<EventEnvelope<Event>> group =
        envelopes(
            ACME,
            new SubscribersUpserted(List.of(heidi, ivan)),
            new SubscriberErased(ivan.id(), T0));

    apply(group);
    apply(group);

    assertThat(members(ACME, "news")).containsExactly(heidi);
    assertThat(rowCount("list_members")).isEqualTo(1);
  }

  @Test
  void aGroupLargerThanOneStatementChunkIsWrittenWhole() throws Exception {
    int count = SubscriberRowWriter.CHUNK * 2 + 7;
    List<Subscriber> many = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      many.add(
          subscriber(
              ACME,
              "person" + i + "@example.com",
              new Membership("news", MembershipStatus.SUBSCRIBED, T0),
              new Membership("offers", MembershipStatus.SUBSCRIBED, T0)));
    }

    project(ACME, new SubscribersUpserted(many));
    project(
        ACME,
        IntStream.range(0, count)
            .filter(i -> i % 2 == 0)
            .mapToObj(i -> new SubscriberErased(many.get(i).id(), T0))
            .toArray(Event[]::new));

    assertThat(rowCount("subscribers")).isEqualTo(count / 2);
    assertThat(rowCount("list_members")).isEqualTo(count / 2 * 2);
  }

  @Test
  void instantsComeBackToTheMicrosecond() throws Exception {
    Instant precise = Instant.parse("2025-03-01T23:59:59.987654321Z");
    Subscriber judy =
        new Subscriber(
            idOf(ACME, "judy@example.com"),
            "judy@example.com",
            null,
            tree(Map.of()),
            SubscriberStatus.ACTIVE,
            precise,
            List.of(new Membership("news", MembershipStatus.SUBSCRIBED, precise)),
            precise,
            precise);

    project(ACME, new SubscribersUpserted(List.of(judy)));

    Subscriber read = members(ACME, "news").get(0);
    Instant micros = Instant.parse("2025-03-01T23:59:59.987654Z");
    assertThat(read.createdAt()).isEqualTo(micros);
    assertThat(read.updatedAt()).isEqualTo(micros);
    assertThat(read.lists().get(0).since()).isEqualTo(micros);
    assertThat(read.name()).isNull();
    assertThat(read.attributes()).isEmpty();
  }

  @Test
  void addressesThatDifferOnlyInTheCaseOfTheLocalPartAreTwoSubscribers() throws Exception {
    Subscriber lower =
        subscriber(
            ACME, "kim@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    Subscriber upper =
        subscriber(
            ACME, "Kim@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));

    project(ACME, new SubscribersUpserted(List.of(lower, upper)));

    assertThat(members(ACME, "news")).containsExactlyInAnyOrder(lower, upper);
  }

  // --- keyset pages

  @Test
  void aPageHoldsAtMostLimitMembersInIdOrderAndTellsWhetherMoreFollow() throws Exception {
    List<Subscriber> all = seedList(ACME, "news", 5);

    Page first = page(ACME, "news", 3, Optional.empty());

    assertThat(first.items()).containsExactlyElementsOf(sortedById(all).subList(0, 3));
    assertThat(first.hasMore()).isTrue();
  }

  @Test
  void walkingThePagesVisitsEveryMemberOnceInIdOrder() throws Exception {
    List<Subscriber> all = seedList(ACME, "news", 23);

    List<Subscriber> walked = walk(ACME, "news", 5);

    assertThat(walked).containsExactlyElementsOf(sortedById(all));
  }

  @Test
  void aLastPageThatIsExactlyFullSaysNoMoreFollow() throws Exception {
    List<Subscriber> all = seedList(ACME, "news", 6);

    Page first = page(ACME, "news", 3, Optional.empty());
    Page second = page(ACME, "news", 3, Optional.of(last(first)));

    assertThat(second.items()).containsExactlyElementsOf(sortedById(all).subList(3, 6));
    assertThat(second.hasMore()).isFalse();
  }

  @Test
  void membersAddedOrRemovedBetweenPagesNeitherRepeatNorHideOthers() throws Exception {
    List<Subscriber> original = sortedById(seedList(ACME, "news", 10));
    Page first = page(ACME, "news", 4, Optional.empty());
    String cursor = last(first);

    // Between two pages: newcomers on both sides of the cursor, one member ahead leaves, and one
    // member already shown leaves.
    List<Subscriber> newcomers = new ArrayList<>();
    for (int i = 0; newcomers.size() < 40; i++) {
      newcomers.add(
          subscriber(
              ACME,
              "late" + i + "@example.com",
              new Membership("news", MembershipStatus.SUBSCRIBED, T0)));
    }
    project(ACME, new SubscribersUpserted(newcomers));
    Subscriber leaverAhead = original.get(7);
    Subscriber leaverShown = original.get(1);
    project(
        ACME,
        new SubscriberErased(leaverAhead.id(), T0),
        new SubscriberErased(leaverShown.id(), T0));
    List<Subscriber> rest = new ArrayList<>();
    Optional<String> after = Optional.of(cursor);
    Page page;
    do {
      page = page(ACME, "news", 4, after);
      rest.addAll(page.items());
      after = page.items().isEmpty() ? after : Optional.of(last(page));
    } while (page.hasMore());

    List<Subscriber> expectedRest = new ArrayList<>();
    for (Subscriber s : sortedById(concat(original, newcomers))) {
      if (s.id().compareTo(cursor) > 0 && !s.id().equals(leaverAhead.id())) {
        expectedRest.add(s);
      }
    }
    assertThat(expectedRest).as("newcomers landed after the cursor").hasSizeGreaterThan(6);
    assertThat(rest).containsExactlyElementsOf(expectedRest);
    assertThat(first.items()).containsExactlyElementsOf(original.subList(0, 4));
  }

  @Test
  void aPageCarriesEveryMembershipOfItsSubscribers() throws Exception {
    Subscriber liz =
        subscriber(
            ACME,
            "liz@example.com",
            new Membership("news", MembershipStatus.SUBSCRIBED, T0),
            new Membership("offers", MembershipStatus.UNSUBSCRIBED, T0.plusSeconds(3)),
            new Membership("weekly", MembershipStatus.UNCONFIRMED, T0.plusSeconds(4)));
    Subscriber max =
        subscriber(
            ACME, "max@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    project(ACME, new SubscribersUpserted(List.of(liz, max)));

    Page page = page(ACME, "news", 10, Optional.empty());

    assertThat(page.items()).containsExactlyInAnyOrder(liz, max);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void anUnknownListGivesAnEmptyPage() throws Exception {
    seedList(ACME, "news", 3);

    Page page = page(ACME, "nothing-here", 10, Optional.empty());

    assertThat(page.items()).isEmpty();
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void aLimitOutsideOneToTheMaximumIsRefused() {
    for (int limit : new int[] {0, -1, JdbcSubscriberDirectory.MAX_LIMIT + 1}) {
      assertThatThrownBy(() -> page(ACME, "news", limit, Optional.empty()))
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  // --- tenancy

  @Test
  void anotherAccountsMembersNeverAppear() throws Exception {
    List<Subscriber> acme = seedList(ACME, "news", 4);
    seedList(GLOBEX, "news", 6);
    // The same subscriber id in both accounts, with different lists in each.
    String sharedId = acme.get(0).id();
    Subscriber twin =
        new Subscriber(
            sharedId,
            acme.get(0).email(),
            "Twin",
            tree(Map.of("account", "globex")),
            SubscriberStatus.ACTIVE,
            T0,
            List.of(
                new Membership("news", MembershipStatus.UNSUBSCRIBED, T0),
                new Membership("globex-only", MembershipStatus.SUBSCRIBED, T0)),
            T0,
            T0);
    project(GLOBEX, new SubscribersUpserted(List.of(twin)));

    assertThat(walk(ACME, "news", 3)).containsExactlyElementsOf(sortedById(acme));
    assertThat(page(ACME, "globex-only", 10, Optional.empty()).items()).isEmpty();
    assertThat(walk(GLOBEX, "news", 100)).hasSize(7).contains(withSortedLists(twin));
  }

  @Test
  void erasureInOneAccountLeavesTheSameIdInAnotherAlone() throws Exception {
    Subscriber acmeOne =
        subscriber(
            ACME, "one@example.com", new Membership("news", MembershipStatus.SUBSCRIBED, T0));
    Subscriber globexOne =
        new Subscriber(
            acmeOne.id(),
            acmeOne.email(),
            "Globex One",
            tree(Map.of()),
            SubscriberStatus.ACTIVE,
            T0,
            List.of(new Membership("news", MembershipStatus.SUBSCRIBED, T0)),
            T0,
            T0);
    project(ACME, new SubscribersUpserted(List.of(acmeOne)));
    project(GLOBEX, new SubscribersUpserted(List.of(globexOne)));

    project(ACME, new SubscriberErased(acmeOne.id(), T0));

    assertThat(members(ACME, "news")).isEmpty();
    assertThat(members(GLOBEX, "news")).containsExactly(globexOne);
  }

  // --- a campaign's audience

  @Test
  void theAudienceHoldsEachActiveSubscriberOfTheListsOnceInIdOrder() throws Exception {
    List<Subscriber> news = seedList(ACME, "news", 7);
    Subscriber onBoth =
        subscriber(
            ACME,
            "both@example.com",
            new Membership("news", MembershipStatus.SUBSCRIBED, T0),
            new Membership("offers", MembershipStatus.SUBSCRIBED, T0));
    Subscriber left =
        subscriber(
            ACME, "left@example.com", new Membership("news", MembershipStatus.UNSUBSCRIBED, T0));
    Subscriber otherList =
        subscriber(
            ACME, "weekly@example.com", new Membership("weekly", MembershipStatus.SUBSCRIBED, T0));
    Subscriber bounced =
        new Subscriber(
            idOf(ACME, "bounced@example.com"),
            "bounced@example.com",
            null,
            tree(Map.of()),
            SubscriberStatus.BOUNCED,
            T0,
            List.of(new Membership("offers", MembershipStatus.SUBSCRIBED, T0)),
            T0,
            T0);
    project(ACME, new SubscribersUpserted(List.of(onBoth, left, otherList, bounced)));
    seedList(GLOBEX, "news", 3);

    List<String> expected =
        java.util.stream.Stream.concat(news.stream(), java.util.stream.Stream.of(onBoth))
            .map(Subscriber::id)
            .sorted()
            .toList();
    // A page of three ids, so planning crosses several pages; batches of four.
    var audience =
        new io.herald.node.campaign.JdbcAudience(db.dataSource(), db.kind(), executor, 3);
    for (List<String> lists : List.of(List.of("news"), List.of("news", "offers"))) {
      var plan =
          audience.plan(ACME, lists, List.of(), 4).toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(plan.recipients()).as("lists %s", lists).isEqualTo(expected.size());
      assertThat(plan.batches()).extracting(b -> b.recipients()).containsExactly(4, 4);
      List<String> delivered = new ArrayList<>();
      String after = "";
      for (var batch : plan.batches()) {
        assertThat(batch.afterId()).isEqualTo(after);
        var recipients =
            audience
                .recipients(ACME, lists, List.of(), batch.afterId(), batch.lastId(), 100)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        recipients.forEach(r -> delivered.add(r.subscriberId()));
        after = batch.lastId();
      }
      assertThat(delivered).as("lists %s", lists).isEqualTo(expected);
    }
  }

  // --- helpers

  private static String idOf(String accountId, String email) {
    return SubscriberKeys.subscriberId(accountId, EmailAddress.parse(email).orElseThrow());
  }

  /** A subscriber of an account, with a name and an attribute, on the given lists. */
  protected static Subscriber subscriber(String accountId, String email, Membership... lists) {
    return new Subscriber(
        idOf(accountId, email),
        email,
        "Name of " + email,
        tree(Map.of("source", "test")),
        SubscriberStatus.ACTIVE,
        T0,
        List.of(lists),
        T0,
        T0.plusSeconds(1));
  }

  private List<Subscriber> seedList(String accountId, String listId, int count) throws Exception {
    List<Subscriber> seeded = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seeded.add(
          subscriber(
              accountId,
              listId + i + "@" + accountId + ".example",
              new Membership(listId, MembershipStatus.SUBSCRIBED, T0)));
    }
    project(accountId, new SubscribersUpserted(seeded));
    return seeded;
  }

  private void project(String accountId, Event... events) throws Exception {
    apply(envelopes(accountId, events));
  }

  /** Events as a partition of the account would have written them, with rising offsets. */
  protected List<EventEnvelope<Event>> envelopes(String accountId, Event... events) {
    String persistenceId = "SubscriberPartition|" + SubscriberKeys.entityId(accountId, 0);
    List<EventEnvelope<Event>> envelopes = new ArrayList<>();
    for (Event event : events) {
      offset++;
      envelopes.add(
          EventEnvelope.create(Offset.sequence(offset), persistenceId, offset, event, 0L));
    }
    return envelopes;
  }

  private void apply(List<EventEnvelope<Event>> envelopes) throws Exception {
    DatabaseSession session = db.session();
    try {
      handler.process(session, envelopes);
      session.commit();
    } finally {
      session.close();
    }
  }

  private Page page(String accountId, String listId, int limit, Optional<String> after)
      throws Exception {
    return directory
        .listMembers(accountId, listId, limit, after)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private List<Subscriber> members(String accountId, String listId) throws Exception {
    return walk(accountId, listId, JdbcSubscriberDirectory.MAX_LIMIT);
  }

  private List<Subscriber> walk(String accountId, String listId, int limit) throws Exception {
    List<Subscriber> walked = new ArrayList<>();
    Optional<String> after = Optional.empty();
    Page page;
    do {
      page = page(accountId, listId, limit, after);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
      walked.addAll(page.items());
      if (!page.items().isEmpty()) {
        after = Optional.of(last(page));
      }
    } while (page.hasMore());
    return walked;
  }

  private static String last(Page page) {
    return page.items().get(page.items().size() - 1).id();
  }

  private static List<Subscriber> sortedById(List<Subscriber> subscribers) {
    return subscribers.stream()
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .map(SubscriberReadModelContract::withSortedLists)
        .toList();
  }

  private static Subscriber withSortedLists(Subscriber s) {
    return new Subscriber(
        s.id(),
        s.email(),
        s.name(),
        s.attributes(),
        s.status(),
        s.statusSince(),
        s.lists().stream().sorted((a, b) -> a.listId().compareTo(b.listId())).toList(),
        s.createdAt(),
        s.updatedAt());
  }

  private static List<Subscriber> concat(List<Subscriber> a, List<Subscriber> b) {
    List<Subscriber> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** How many rows the table holds. */
  protected int rowCount(String table) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode tree(Map<String, Object> values) {
    return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(values);
  }
}
