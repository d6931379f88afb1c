package io.herald.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.herald.protocol.AccountProtocol;
import io.herald.protocol.CampaignProtocol;
import io.herald.protocol.CampaignProtocol.CampaignSummary;
import io.herald.protocol.CampaignProtocol.Content;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import io.herald.protocol.SubscriberProtocol;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * {@code herald.jar demo --subscribers N}: the whole flow on one node, in a fresh data directory:
 * an account and a list, N generated subscribers, a personalised and tracked campaign of about 20
 * KB a letter, and its send, with a progress bar and a summary at the end. Letters go where the
 * node's transport sends them: the pickup directory by default, an SMTP server with
 * HERALD_TRANSPORT=smtp.
 */
public final class Demo {

  private static final Duration ASK = Duration.ofSeconds(30);

  private final PrintStream out;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo; returns the process exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    int subscribers = 1000;
    int campaigns = 1;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--subscribers") && i + 1 < args.length) {
        subscribers = wholeNumber(args[++i]);
      } else if (args[i].equals("--campaigns") && i + 1 < args.length) {
        campaigns = wholeNumber(args[++i]);
      } else {
        out.println("usage: java -jar herald.jar demo [--subscribers N] [--campaigns K]");
        return 2;
      }
    }
    if (subscribers < 1 || subscribers > 10_000_000) {
      out.println("--subscribers must be a whole number from 1 to 10000000");
      return 2;
    }
    if (campaigns < 1 || campaigns > 10) {
      out.println("--campaigns must be a whole number from 1 to 10");
      return 2;
    }
    // The progress bar needs the terminal; the node's own lifecycle logging would break it up.
    for (String name :
        List.of(
            org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.pekko", "io.herald", "org.flywaydb")) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    return new Demo(out).go(subscribers, campaigns);
  }

  private static int wholeNumber(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private int go(int count, int campaigns) throws Exception {
    Path dataDir = Files.createTempDirectory("herald-demo-");
    var overrides = new HashMap<String, Object>();
    overrides.put("herald.data-dir", dataDir.toString());
    overrides.put("herald.roles", "gateway,worker");
    overrides.put("herald.seed-nodes", "");
    overrides.put("herald.http.port", 0);
    overrides.put("pekko.management.http.port", 0);
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("pekko.coordinated-shutdown.exit-jvm", "off");
    Config config = NodeConfig.compose(ConfigFactory.defaultApplication(), overrides);
    out.printf("Herald demo: %d subscribers, data in %s%n", count, dataDir);
    HeraldNode node = HeraldNode.start(config);
    try {
      return flow(node, config, count, campaigns);
    } finally {
      node.stopAndWait(Duration.ofSeconds(60));
      if (config.getString("herald.transport.kind").equals("smtp")) {
        // Nothing in it is worth keeping once the letters have left.
        deleteTree(dataDir);
      } else {
        out.printf("The letters stay in %s; delete the directory when done.%n", dataDir);
      }
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private int flow(HeraldNode node, Config config, int count, int campaigns) throws Exception {
    var sharding = ClusterSharding.get(node.system());

    // The account and its list.
    String accountId = "acc_demo" + Long.toString(System.nanoTime() % 100_000_000L, 36);
    var opened =
        (AccountProtocol.Found)
            sharding
                .entityRefFor(AccountProtocol.TYPE_KEY, accountId)
                .ask(
                    (ActorRef<AccountProtocol.Reply> r) ->
                        new AccountProtocol.Create("Demo", "demo-key-hash", 32, r),
                    ASK)
                .toCompletableFuture()
                .get();
    String listId = "lst_demo";
    sharding
        .entityRefFor(AccountProtocol.TYPE_KEY, accountId)
        .ask(
            (ActorRef<AccountProtocol.Reply> r) ->
                new AccountProtocol.CreateList(listId, "Demo list", r),
            ASK)
        .toCompletableFuture()
        .get();

    // The subscribers, many requests in flight so partitions write them in groups.
    long start = System.nanoTime();
    var mapper = new ObjectMapper();
    var permits = new Semaphore(2000);
    var failures = new AtomicInteger();
    int partitions = opened.account().partitions();
    for (int i = 0; i < count; i++) {
      permits.acquire();
      String email = "reader" + i + "@demo.example.com";
      ObjectNode attributes = mapper.createObjectNode().put("city", i % 2 == 0 ? "Oslo" : "Lyon");
      attributes.put("plan", i % 3 == 0 ? "pro" : "free");
      var input =
          new SubscriberProtocol.SubscriberInput(email, "Reader " + i, attributes, List.of(listId));
      String id = SubscriberKeys.subscriberId(accountId, EmailAddress.parse(email).orElseThrow());
      int p = SubscriberKeys.partitionOf(id, partitions).orElseThrow();
      sharding
          .entityRefFor(SubscriberProtocol.TYPE_KEY, SubscriberKeys.entityId(accountId, p))
          .ask(
              (ActorRef<SubscriberProtocol.Reply> r) -> new SubscriberProtocol.Upsert(input, r),
              ASK)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  failures.incrementAndGet();
                }
                permits.release();
              });
      if (i % 1000 == 0) {
        bar("subscribers", i, count);
      }
    }
    permits.acquire(2000);
    bar("subscribers", count, count);
    out.printf(
        "%n%d subscribers created in %.1f s (%d failed)%n",
        count, (System.nanoTime() - start) / 1e9, failures.get());

    // The campaigns, one after the other, once the read model has every subscriber. The first
    // runs on a cold JVM, still compiling; later ones show what a node that has been up a while
    // does.
    waitForReadModel(node, accountId, listId, count);
    long liveHeap = 0;
    CampaignSummary summary = null;
    double seconds = 0;
    List<String> earlier = new java.util.ArrayList<>();
    for (int c = 1; c <= campaigns; c++) {
      if (summary != null) {
        earlier.add(
            String.format(
                Locale.ROOT,
                "campaign %d: %d letters in %.1f s = %.0f letters/s",
                c - 1,
                summary.sent() + summary.failed(),
                seconds,
                (summary.sent() + summary.failed()) / seconds));
      }
      var campaignRef =
          sharding.entityRefFor(
              CampaignProtocol.TYPE_KEY, CampaignProtocol.entityId(accountId, "cmp_demo" + c));
      campaignRef
          .ask(
              (ActorRef<CampaignProtocol.Reply> r) ->
                  new CampaignProtocol.Create(content(listId), r),
              ASK)
          .toCompletableFuture()
          .get();
      long sendStart = System.nanoTime();
      campaignRef
          .ask((ActorRef<CampaignProtocol.Reply> r) -> new CampaignProtocol.Send(r), ASK)
          .toCompletableFuture()
          .get();
      out.println();
      while (true) {
        summary =
            ((CampaignProtocol.Summary)
                    campaignRef
                        .ask(
                            (ActorRef<CampaignProtocol.Reply> r) -> new CampaignProtocol.Get(r),
                            ASK)
                        .toCompletableFuture()
                        .get())
                .campaign();
        bar(
            campaigns == 1 ? "letters" : "campaign " + c,
            summary.sent() + summary.failed(),
            Math.max(1, summary.recipients()));
        liveHeap = Math.max(liveHeap, heapAfterLastCollection());
        if (summary.status() == CampaignProtocol.Status.COMPLETED) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
      seconds = (System.nanoTime() - sendStart) / 1e9;
    }
    Config transport = config.getConfig("herald.transport");
    String where =
        transport.getString("kind").equals("smtp")
            ? "SMTP " + transport.getString("smtp.host") + ":" + transport.getInt("smtp.port")
            : "pickup directory "
                + io.herald.node.transport.MailTransports.pickupDirectory(
                    config.getConfig("herald"), Path.of(config.getString("herald.data-dir")));
    out.printf("%n%nSummary%s%n", campaigns == 1 ? "" : " of campaign " + campaigns);
    out.printf(
        "  letters     %d sent, %d failed, %d recipients%n",
        summary.sent(), summary.failed(), summary.recipients());
    out.printf("  seconds     %.1f%n", seconds);
    out.printf("  letters/s   %.0f%n", (summary.sent() + summary.failed()) / seconds);
    out.printf("  went to     %s%n", where);
    out.printf("  peak heap   %d MB%n", peakHeapBytes() / (1024 * 1024));
    out.printf("  live heap   %d MB at most after a collection%n", liveHeap / (1024 * 1024));
    out.printf(
        "  threads     %d started, common pool of %d%n",
        ManagementFactory.getThreadMXBean().getTotalStartedThreadCount(),
        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    for (String line : earlier) {
      out.printf("  earlier     %s%n", line);
    }
    return summary.failed() == 0 ? 0 : 1;
  }

  private static Content content(String listId) {
    return new Content(
        "Demo",
        "Hello {{name}}, news for {{attributes.city}}",
        "Herald demo",
        "news@demo.example.com",
        null,
        html(),
        null,
        List.of(listId),
        List.of(),
        List.of());
  }

  private void waitForReadModel(HeraldNode node, String accountId, String listId, int count)
      throws Exception {
    var db = io.herald.node.storage.Database.get(node.system());
    while (true) {
      try (var c = db.dataSource().getConnection();
          var st =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM list_members WHERE account_id = ? AND list_id = ?")) {
        st.setString(1, accountId);
        st.setString(2, listId);
        try (var rs = st.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= count) {
            return;
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private void bar(String what, int done, int total) {
    int width = 40;
    int filled = (int) ((long) done * width / total);
    out.printf(
        Locale.ROOT,
        "\r%-12s [%s%s] %d/%d",
        what,
        "#".repeat(filled),
        " ".repeat(width - filled),
        done,
        total);
    out.flush();
  }

  /**
   * The heap in use right after the latest collection: what the node really holds, unlike the peak,
   * which a collector lets grow towards -Xmx before it bothers to collect.
   */
  private static long heapAfterLastCollection() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        used += pool.getCollectionUsage().getUsed();
      }
    }
    return used;
  }

  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /**
   * HTML with personalisation and tracked links, sized so that a whole letter (headers, the
   * generated plain text and the HTML, both quoted-printable) comes to about 20 KB.
   */
  static String html() {
    var html = new StringBuilder("<html><body><h1>Hello {{name}}</h1>");
    for (int i = 0; html.length() < 10_000; i++) {
      html.append("<p>Paragraph ")
          .append(i)
          .append(" for readers in {{attributes.city}} on the {{attributes.plan}} plan. ")
          .append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor")
          .append(" incididunt ut labore et dolore magna aliqua. ");
      if (i % 8 == 0) {
        html.append("<a href=\"https://demo.example.com/article/")
            .append(i)
            .append("\">Read more</a>");
      }
      html.append("</p>");
    }
    return html.append("<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p></body></html>")
        .toString();
  }
}
