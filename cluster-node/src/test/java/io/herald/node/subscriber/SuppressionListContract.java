package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.gateway.SubscriberDirectory.Position;
import io.herald.gateway.SubscriberDirectory.Suppression;
import io.herald.gateway.SubscriberDirectory.SuppressionPage;
import io.herald.node.campaign.JdbcAudience;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSession;
import io.herald.node.storage.ScratchDatabase;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the suppression list promises on every vendor: every subscriber whose status is not active,
 * by reason and then id, in keyset pages that neither repeat nor skip, one account at a time; and
 * that a suppression written after a campaign was planned keeps its letter from being delivered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SuppressionListContract {

  private static final String ACME = "acme";
  private static final String GLOBEX = "globex";
  private static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");
  private static final List<SubscriberStatus> EVERY_REASON =
      Arrays.stream(SubscriberStatus.values()).filter(s -> s != SubscriberStatus.ACTIVE).toList();

  private ScratchDatabase scratch;
  private Database db;
  private ExecutorService executor;
  private JdbcSubscriberDirectory directory;
  private SubscriberProjectionHandler handler;
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

  @Test
  void everySuppressedSubscriberIsListedWithReasonAndSinceAndNoActiveOne() throws Exception {
    Instant bouncedAt = T0.plusSeconds(60);
    project(
        ACME,
        person(ACME, "ann@example.com", SubscriberStatus.ACTIVE, T0),
        person(ACME, "bo@example.com", SubscriberStatus.BOUNCED, bouncedAt),
        person(ACME, "cy@example.com", SubscriberStatus.BLOCKLISTED, T0),
        person(ACME, "di@example.com", SubscriberStatus.UNSUBSCRIBED, T0),
        person(ACME, "ed@example.com", SubscriberStatus.COMPLAINED, T0));

    SuppressionPage page = page(ACME, EVERY_REASON, 100, Optional.empty());

    assertThat(page.hasMore()).isFalse();
    assertThat(page.items())
        .extracting(Suppression::email, Suppression::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("di@example.com", SubscriberStatus.UNSUBSCRIBED),
            org.assertj.core.groups.Tuple.tuple("bo@example.com", SubscriberStatus.BOUNCED),
            org.assertj.core.groups.Tuple.tuple("ed@example.com", SubscriberStatus.COMPLAINED),
            org.assertj.core.groups.Tuple.tuple("cy@example.com", SubscriberStatus.BLOCKLISTED));
    Suppression bo = page.items().get(1);
    assertThat(bo.subscriberId()).isEqualTo(idOf(ACME, "bo@example.com"));
    assertThat(bo.since()).isEqualTo(bouncedAt);
  }

  @Test
  void walkingSmallPagesVisitsEverySuppressionOnceAcrossReasons() throws Exception {
    List<Subscriber> people = new ArrayList<>();
    SubscriberStatus[] reasons = EVERY_REASON.toArray(SubscriberStatus[]::new);
    for (int i = 0; i < 23; i++) {
      people.add(person(ACME, "p" + i + "@example.com", reasons[i % reasons.length], T0));
    }
    project(ACME, people.toArray(Subscriber[]::new));

    List<Suppression> walked = new ArrayList<>();
    Optional<Position> after = Optional.empty();
    SuppressionPage page;
    int pages = 0;
    do {
      page = page(ACME, EVERY_REASON, 4, after);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(4);
      walked.addAll(page.items());
      if (!page.items().isEmpty()) {
        Suppression last = page.items().get(page.items().size() - 1);
        after = Optional.of(new Position(last.reason(), last.subscriberId()));
      }
      pages++;
    } while (page.hasMore());

    assertThat(pages).isEqualTo(6);
    List<String> expected =
        people.stream()
            .sorted(
                (a, b) ->
                    a.status() != b.status()
                        ? a.status().compareTo(b.status())
                        : a.id().compareTo(b.id()))
            .map(Subscriber::id)
            .toList();
    assertThat(walked).extracting(Suppression::subscriberId).isEqualTo(expected);
  }

  @Test
  void aReasonFilterListsOnlyThatReason() throws Exception {
    project(
        ACME,
        person(ACME, "a@example.com", SubscriberStatus.BOUNCED, T0),
        person(ACME, "b@example.com", SubscriberStatus.BLOCKLISTED, T0),
        person(ACME, "c@example.com", SubscriberStatus.BOUNCED, T0));

    SuppressionPage page = page(ACME, List.of(SubscriberStatus.BOUNCED), 100, Optional.empty());

    assertThat(page.items())
        .extracting(Suppression::email)
        .containsExactlyInAnyOrder("a@example.com", "c@example.com");
  }

  @Test
  void anotherAccountsSuppressionsNeverAppear() throws Exception {
    project(GLOBEX, person(GLOBEX, "x@example.com", SubscriberStatus.BLOCKLISTED, T0));
    project(ACME, person(ACME, "y@example.com", SubscriberStatus.ACTIVE, T0));

    assertThat(page(ACME, EVERY_REASON, 100, Optional.empty()).items()).isEmpty();
    assertThat(page(GLOBEX, EVERY_REASON, 100, Optional.empty()).items())
        .extracting(Suppression::email)
        .containsExactly("x@example.com");
  }

  @Test
  void liftingASuppressionTakesItOffTheList() throws Exception {
    project(ACME, person(ACME, "a@example.com", SubscriberStatus.BLOCKLISTED, T0));
    project(ACME, person(ACME, "a@example.com", SubscriberStatus.ACTIVE, T0.plusSeconds(5)));

    assertThat(page(ACME, EVERY_REASON, 100, Optional.empty()).items()).isEmpty();
  }

  @Test
  void aSuppressionAfterPlanningKeepsTheLetterFromBeingDelivered() throws Exception {
    Subscriber ann = person(ACME, "ann@example.com", SubscriberStatus.ACTIVE, T0);
    Subscriber bo = person(ACME, "bo@example.com", SubscriberStatus.ACTIVE, T0);
    project(ACME, ann, bo);
    var audience = new JdbcAudience(db.dataSource(), db.kind(), executor);
    var plan =
        audience
            .plan(ACME, List.of("news"), List.of(), 10)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(plan.recipients()).isEqualTo(2);

    // Bo bounces after planning, before the batch is delivered.
    project(ACME, withStatus(bo, SubscriberStatus.BOUNCED));

    var batch = plan.batches().get(0);
    var recipients =
        audience
            .recipients(ACME, List.of("news"), List.of(), batch.afterId(), batch.lastId(), 100)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(recipients)
        .extracting(JdbcAudience.Recipient::email)
        .containsExactly("ann@example.com");
  }

  @Test
  void anUnconfirmedMemberIsNotInTheAudience() throws Exception {
    Subscriber waiting =
        new Subscriber(
            idOf(ACME, "new@example.com"),
            "new@example.com",
            "",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
            SubscriberStatus.ACTIVE,
            T0,
            List.of(new Membership("news", MembershipStatus.UNCONFIRMED, T0)),
            T0,
            T0);
    project(ACME, waiting, person(ACME, "ann@example.com", SubscriberStatus.ACTIVE, T0));

    var plan =
        new JdbcAudience(db.dataSource(), db.kind(), executor)
            .plan(ACME, List.of("news"), List.of(), 10)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertThat(plan.recipients()).isEqualTo(1);
  }

  // --- helpers

  private static String idOf(String accountId, String email) {
    return SubscriberKeys.subscriberId(accountId, EmailAddress.parse(email).orElseThrow());
  }

  /** A subscriber of the list "news" with a global status set at {@code since}. */
  private static Subscriber person(
      String accountId, String email, SubscriberStatus status, Instant since) {
    return new Subscriber(
        idOf(accountId, email),
        email,
        "Name of " + email,
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
        status,
        since,
        List.of(new Membership("news", MembershipStatus.SUBSCRIBED, T0)),
        T0,
        since);
  }

  private static Subscriber withStatus(Subscriber s, SubscriberStatus status) {
    return s.withStatus(status, T0.plusSeconds(30));
  }

  private SuppressionPage page(
      String accountId, List<SubscriberStatus> reasons, int limit, Optional<Position> after)
      throws Exception {
    return directory
        .suppressions(accountId, reasons, limit, after)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private void project(String accountId, Subscriber... subscribers) throws Exception {
    offset++;
    String persistenceId = "SubscriberPartition|" + SubscriberKeys.entityId(accountId, 0);
    var envelope =
        EventEnvelope.<io.herald.protocol.SubscriberProtocol.Event>create(
            Offset.sequence(offset),
            persistenceId,
            offset,
            new SubscribersUpserted(List.of(subscribers)),
            0L);
    DatabaseSession session = db.session();
    try {
      handler.process(session, List.of(envelope));
      session.commit();
    } finally {
      session.close();
    }
  }
}
