package io.herald.node.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.herald.gateway.SubscriberDirectory.Page;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSettings;
import io.herald.node.storage.ScratchDatabase;
import io.herald.node.subscriber.RecordingPartition.Record;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberErased;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import io.herald.protocol.SubscriberProtocol.SubscribersUpserted;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

/**
 * The subscriber projection running for real: a one-node cluster with role worker, the journal of
 * pekko-persistence-jdbc on the database under test, events persisted by partitions, and rows
 * appearing in the read model. One subclass per backend.
 */
abstract class SubscriberProjectionContract {

  private static final Instant T0 = Instant.parse("2025-04-01T08:00:00Z");
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** A new empty database of the backend under test. */
  protected abstract ScratchDatabase createScratch();

  /** The config layer that points the journal at this backend, as Main would add it. */
  protected abstract String databaseLayer();

  @Test
  void eventsPersistedByPartitionsReachTheReadModelWithTheirOffsets() throws Exception {
    try (ScratchDatabase scratch = createScratch();
        Database db = Database.start(scratch.settings())) {
      ActorTestKit kit = ActorTestKit.create("projection-test", config(scratch.settings()));
      try {
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        SubscriberProjection.init(kit.system(), db);
        JdbcSubscriberDirectory directory = JdbcSubscriberDirectory.create(kit.system(), db);
        TestProbe<Done> done = kit.createTestProbe();

        // Two partitions of acme on the two tags, and one of globex.
        ActorRef<Record> acme0 = kit.spawn(new RecordingPartition("acme~0", "subscribers-0"));
        ActorRef<Record> acme1 = kit.spawn(new RecordingPartition("acme~1", "subscribers-1"));
        ActorRef<Record> globex0 = kit.spawn(new RecordingPartition("globex~0", "subscribers-0"));
        Subscriber ada = subscriber("acme", "ada@example.com");
        Subscriber bob = subscriber("acme", "bob@example.com");
        Subscriber cy = subscriber("acme", "cy@example.com");
        Subscriber dee = subscriber("globex", "dee@example.com");
        acme0.tell(new Record(new SubscribersUpserted(List.of(ada, bob)), done.ref()));
        acme1.tell(new Record(new SubscribersUpserted(List.of(cy)), done.ref()));
        globex0.tell(new Record(new SubscribersUpserted(List.of(dee)), done.ref()));
        done.receiveSeveralMessages(3);

        done.awaitAssert(
            PATIENCE,
            () -> {
              assertThat(members(directory, "acme")).containsExactlyInAnyOrder(ada, bob, cy);
              assertThat(members(directory, "globex")).containsExactly(dee);
              return null;
            });

        acme0.tell(new Record(new SubscriberErased(bob.id(), T0.plusSeconds(60)), done.ref()));
        done.receiveMessage();

        done.awaitAssert(
            PATIENCE,
            () -> {
              assertThat(members(directory, "acme")).containsExactlyInAnyOrder(ada, cy);
              return null;
            });
        assertThat(projectedTags(scratch, db))
            .containsExactlyInAnyOrder("subscribers-0", "subscribers-1");
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  private Config config(DatabaseSettings settings) {
    Config test =
        ConfigFactory.parseMap(
            Map.of(
                "herald.db.kind", settings.kind().name().toLowerCase(java.util.Locale.ROOT),
                "herald.db.url", settings.url(),
                "herald.db.user", settings.user(),
                "herald.db.password", settings.password(),
                "herald.projections.subscriber-tags", 2));
    Config node =
        ConfigFactory.parseString(
            """
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.roles = ["worker"]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.projection.grouped.group-after-duration = 100ms
            jdbc-read-journal.refresh-interval = 100ms
            """);
    return ConfigFactory.load(
        test.withFallback(node)
            .withFallback(ConfigFactory.parseResources(databaseLayer()))
            .withFallback(ConfigFactory.parseResources("application.conf")));
  }

  private static Subscriber subscriber(String accountId, String email) {
    return new Subscriber(
        SubscriberKeys.subscriberId(accountId, EmailAddress.parse(email).orElseThrow()),
        email,
        null,
        tree(Map.of("source", "import")),
        SubscriberStatus.ACTIVE,
        T0,
        List.of(new Membership("news", MembershipStatus.SUBSCRIBED, T0)),
        T0,
        T0);
  }

  private static List<Subscriber> members(JdbcSubscriberDirectory directory, String accountId) {
    Page page =
        directory
            .listMembers(accountId, "news", JdbcSubscriberDirectory.MAX_LIMIT, Optional.empty())
            .toCompletableFuture()
            .join();
    return page.items();
  }

  private static List<String> projectedTags(ScratchDatabase scratch, Database db)
      throws SQLException {
    String sql =
        "SELECT "
            + scratch.pluginIdentifier("projection_key")
            + " FROM "
            + scratch.pluginIdentifier("pekko_projection_offset_store")
            + " WHERE "
            + scratch.pluginIdentifier("projection_name")
            + " = '"
            + SubscriberProjection.NAME
            + "'";
    List<String> keys = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    return keys;
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode tree(Map<String, Object> values) {
    return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(values);
  }
}
