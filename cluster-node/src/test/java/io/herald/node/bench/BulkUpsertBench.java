package io.herald.node.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.node.storage.Database;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.BulkUpserted;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import io.herald.protocol.SubscriberProtocol.UpsertMode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * How fast a node takes subscribers in bulk, as an import hands them over: rows grouped by
 * partition into {@link SubscriberProtocol.UpsertMany} commands, a bounded number in flight. It
 * reports the rate at which the partitions store them (the journal), the rate at which the read
 * model shows them (the projection), and the heap: peak, and live after a collection, which is what
 * the partitions keep of their subscribers.
 *
 * <p>Run: {@code mvn -q -pl cluster-node exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.herald.node.bench.BulkUpsertBench -Dexec.args="h2 1000000 1000 16"} (args: h2
 * or a MySQL URL, rows, rows per command, commands in flight); twice over the same rows shows the
 * cost of updating subscribers that exist.
 */
public final class BulkUpsertBench {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private BulkUpsertBench() {}

  public static void main(String[] args) throws Exception {
    String db = args.length > 0 ? args[0] : "h2";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int perCommand = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    Path dataDir = Files.createTempDirectory("herald-bulk");
    boolean h2 = db.equals("h2");
    String url =
        h2 ? "jdbc:h2:file:" + dataDir.resolve("herald") + System.getProperty("bench.h2", "") : db;
    HeraldNode node =
        HeraldNode.start(
            TestNodes.config(
                dataDir,
                h2 ? "h2" : "mysql",
                url,
                0,
                "",
                "gateway,worker",
                h2 ? Map.of() : Map.of("herald.db.user", "root")));
    try {
      Api api = new Api(node.httpAddress());
      String key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Bench");
      String listId = api.createList(key, "Bench");
      String accountId = key.split("\\.")[1];
      int partitions = 32;
      var sharding = ClusterSharding.get(node.system());
      Database database = Database.get(node.system());

      for (String round : List.of("into an empty list", "again, over the same rows")) {
        long start = System.nanoTime();
        int refused = send(sharding, accountId, listId, partitions, rows, perCommand, inFlight);
        double stored = (System.nanoTime() - start) / 1e9;
        long shown = waitForReadModel(database, accountId, rows, round.startsWith("again"));
        double visible = (shown - start) / 1e9;
        System.out.printf(
            "%s: %d rows (%d refused) stored in %.1f s = %.0f rows/s; read model complete after"
                + " %.1f s = %.0f rows/s%n",
            round, rows, refused, stored, rows / stored, visible, rows / visible);
      }
      System.gc();
      Thread.sleep(500);
      System.gc();
      long live =
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          "db=%s heap: peak %d MB, live after collection %d MB (max %d MB)%n",
          database.kind(),
          peak / (1024 * 1024),
          live,
          Runtime.getRuntime().maxMemory() / (1024 * 1024));
    } finally {
      node.stopAndWait(Duration.ofSeconds(30));
    }
  }

  private static int send(
      ClusterSharding sharding,
      String accountId,
      String listId,
      int partitions,
      int rows,
      int perCommand,
      int inFlight)
      throws InterruptedException {
    List<List<SubscriberInput>> pending = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      pending.add(new ArrayList<>(perCommand));
    }
    Semaphore permits = new Semaphore(inFlight);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    for (int i = 0; i < rows; i++) {
      SubscriberInput input = input(i, listId);
      String id =
          SubscriberKeys.subscriberId(accountId, EmailAddress.parse(input.email()).orElseThrow());
      int p = SubscriberKeys.partitionOf(id, partitions).orElseThrow();
      List<SubscriberInput> slice = pending.get(p);
      slice.add(input);
      if (slice.size() == perCommand) {
        ship(sharding, accountId, p, slice, permits, refused, failed);
        pending.set(p, new ArrayList<>(perCommand));
      }
    }
    for (int p = 0; p < partitions; p++) {
      if (!pending.get(p).isEmpty()) {
        ship(sharding, accountId, p, pending.get(p), permits, refused, failed);
      }
    }
    permits.acquire(inFlight);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " commands failed");
    }
    return refused.get();
  }

  private static void ship(
      ClusterSharding sharding,
      String accountId,
      int partition,
      List<SubscriberInput> slice,
      Semaphore permits,
      AtomicInteger refused,
      AtomicInteger failed)
      throws InterruptedException {
    permits.acquire();
    sharding
        .entityRefFor(SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(accountId, partition))
        .ask(
            (ActorRef<BulkUpserted> r) ->
                new SubscriberProtocol.UpsertMany(List.copyOf(slice), UpsertMode.SUBSCRIBE, r),
            TIMEOUT)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                failed.incrementAndGet();
              } else {
                refused.addAndGet(reply.refused().size());
              }
              permits.release();
            });
  }

  /** A subscriber like an address book's: a name and three attributes of different types. */
  private static SubscriberInput input(int i, String listId) {
    ObjectNode attributes = JsonNodeFactory.instance.objectNode();
    attributes.put("city", CITIES[i % CITIES.length]);
    attributes.put("age", 18 + i % 60);
    attributes.put("signup", "2025-" + String.format("%02d-%02d", 1 + i % 12, 1 + i % 28));
    return new SubscriberInput(
        "user" + i + "@example" + (i % 1000) + ".com", "User " + i, attributes, List.of(listId));
  }

  private static final String[] CITIES = {"Oslo", "Berlin", "Lisboa", "Kyiv", "Toronto", "Lima"};

  /** Waits until the read model holds every row (and, the second time, the newest versions). */
  private static long waitForReadModel(
      Database database, String accountId, int rows, boolean updated) throws Exception {
    String sql =
        "SELECT COUNT(*) FROM subscribers WHERE account_id = ?"
            + (updated ? " AND updated_at > created_at" : "");
    while (true) {
      try (Connection c = database.dataSource().getConnection();
          PreparedStatement st = c.prepareStatement(sql)) {
        st.setString(1, accountId);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= rows) {
            return System.nanoTime();
          }
        }
      }
      Thread.sleep(100);
    }
  }
}
