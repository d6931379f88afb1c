package io.herald.node.subscriber;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Heap a partition's state takes per subscriber: fills {@link PackedSubscribers} with subscribers
 * shaped like the import benchmark's rows (address, name, four attributes, one list) and compares
 * the heap in use after full collections before and after.
 *
 * <p>Run: {@code java -Xmx2g -cp <test classpath>
 * io.herald.node.subscriber.PackedSubscribersMemoryBench [subscribers]} (default 1,000,000).
 */
public final class PackedSubscribersMemoryBench {

  private PackedSubscribersMemoryBench() {}

  /** Prints bytes of heap per subscriber held. */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    ObjectMapper json = new ObjectMapper();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    long before = usedAfterCollections();
    PackedSubscribers partition = new PackedSubscribers();
    for (int i = 0; i < n; i++) {
      String email = "user" + i + "@example.com";
      String id = SubscriberKeys.subscriberId("acc_1", EmailAddress.parse(email).orElseThrow());
      var attributes =
          json.createObjectNode()
              .put("city", "Oslo")
              .put("plan", "pro")
              .put("score", Integer.toString(i % 1000))
              .put("signup", "2024-01-01");
      partition.put(
          new Subscriber(
              id,
              email,
              "First" + i + " Last",
              attributes,
              SubscriberStatus.ACTIVE,
              at,
              List.of(new Membership("lst_news", MembershipStatus.SUBSCRIBED, at)),
              at,
              at));
    }
    long after = usedAfterCollections();
    System.out.printf(
        Locale.ROOT,
        "%,d subscribers: %.1f bytes of heap each, %d MB in all%n",
        partition.size(),
        (after - before) / (double) n,
        (after - before) >> 20);
  }

  private static long usedAfterCollections() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
