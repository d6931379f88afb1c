package io.herald.node.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.herald.node.NodeConfig;
import io.herald.node.storage.Database;
import io.herald.node.storage.DatabaseSettings;
import io.herald.node.subscriber.SubscriberPartition;
import io.herald.protocol.CborSerializable;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import io.herald.protocol.SubscriberProtocol.SubscriberInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Compares the two grains a subscriber entity could have, on the real journal: one entity per
 * subscriber (one event per write, a recovery per new person) against Herald's partitions (writes
 * that arrive together share one event). Both run in the same JVM, one after the other, on the same
 * database, with the same number of outstanding requests.
 *
 * <p>Run: {@code mvn -q -pl cluster-node exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.herald.node.bench.GrainBench -Dexec.args="h2 20000 64"} (args: h2 or a MySQL
 * URL, number of subscribers, outstanding requests).
 */
public final class GrainBench {

  /** Commands of the one-subscriber entity used for comparison. */
  public record Put(SubscriberInput input, ActorRef<Done> replyTo) implements CborSerializable {}

  /** Its reply. */
  public record Done() implements CborSerializable {}

  static final EntityTypeKey<Put> SINGLE = EntityTypeKey.create(Put.class, "BenchSubscriber");

  private GrainBench() {}

  /** An entity per subscriber: what Herald does not do. */
  static Behavior<Put> single(String entityId) {
    return new EventSourcedBehavior<Put, SubscriberProtocol.Event, String>(
        PersistenceId.of(SINGLE.name(), entityId)) {
      @Override
      public String emptyState() {
        return "";
      }

      @Override
      public CommandHandler<Put, SubscriberProtocol.Event, String> commandHandler() {
        return newCommandHandlerBuilder()
            .forAnyState()
            .onCommand(
                Put.class,
                (state, put) ->
                    Effect()
                        .persist(
                            new SubscriberProtocol.SubscribersUpserted(
                                List.of(SubscriberPartitionAccess.merge(entityId, put.input()))))
                        .thenReply(put.replyTo(), s -> new Done()))
            .build();
      }

      @Override
      public EventHandler<String, SubscriberProtocol.Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s);
      }
    };
  }

  public static void main(String[] args) throws Exception {
    String db = args.length > 0 ? args[0] : "h2";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
    int outstanding = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    Path dataDir = Files.createTempDirectory("herald-grain");
    var overrides = new HashMap<String, Object>();
    overrides.put("herald.data-dir", dataDir.toString());
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("pekko.loglevel", "WARNING");
    if (!db.equals("h2")) {
      overrides.put("herald.db.kind", "mysql");
      overrides.put("herald.db.url", db);
      overrides.put("herald.db.user", "root");
    }
    Config config = NodeConfig.compose(ConfigFactory.defaultApplication(), overrides);
    try (Database database = Database.start(DatabaseSettings.fromConfig(config))) {
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "herald", config);
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      var sharding = ClusterSharding.get(system);
      sharding.init(Entity.of(SINGLE, ctx -> single(ctx.getEntityId())));
      SubscriberPartition.init(system, Clock.systemUTC(), new SubscriberPartition.Settings(500, 4));
      Duration timeout = Duration.ofSeconds(60);

      Function<Integer, CompletionStage<?>> perSubscriber =
          i -> {
            var input = input("single", i);
            return sharding
                .entityRefFor(SINGLE, "acc_bench~" + i)
                .ask((ActorRef<Done> r) -> new Put(input, r), timeout);
          };
      Function<Integer, CompletionStage<?>> partitioned =
          i -> {
            var input = input("part", i);
            String id =
                SubscriberKeys.subscriberId(
                    "acc_bench", EmailAddress.parse(input.email()).orElseThrow());
            int p = SubscriberKeys.partitionOf(id, 32).orElseThrow();
            return sharding
                .entityRefFor(SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId("acc_bench", p))
                .ask(
                    (ActorRef<SubscriberProtocol.Reply> r) ->
                        new SubscriberProtocol.Upsert(input, r),
                    timeout);
          };

      run("warm-up partitions", count / 10, outstanding, i -> partitioned.apply(count + i));
      run("warm-up single", count / 10, outstanding, i -> perSubscriber.apply(count + i));
      double single = run("entity per subscriber", count, outstanding, perSubscriber);
      double part = run("32 partitions, grouped writes", count, outstanding, partitioned);
      System.out.printf(
          "db=%s subscribers=%d outstanding=%d  per-subscriber=%.0f/s  partitions=%.0f/s  ratio=%.1fx%n",
          database.kind(), count, outstanding, single, part, part / single);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static SubscriberInput input(String prefix, int i) {
    return new SubscriberInput(
        prefix + i + "@bench.example.com", "Bench " + i, null, List.of("lst_bench"));
  }

  private static double run(
      String label, int count, int outstanding, Function<Integer, CompletionStage<?>> send)
      throws InterruptedException {
    Semaphore permits = new Semaphore(outstanding);
    var failures = new java.util.concurrent.atomic.AtomicInteger();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      permits.acquire();
      send.apply(i)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  failures.incrementAndGet();
                }
                permits.release();
              });
    }
    permits.acquire(outstanding);
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = count / seconds;
    System.out.printf(
        "%-32s %d writes in %.1fs = %.0f/s (%d failed)%n",
        label, count, seconds, rate, failures.get());
    return rate;
  }

  /** Reaches the partition's merge rule, so both grains store the same record. */
  static final class SubscriberPartitionAccess {
    static SubscriberProtocol.Subscriber merge(String id, SubscriberInput input) {
      return SubscriberPartition.merge(null, id, input, java.time.Instant.now());
    }
  }
}
