package io.herald.node.letter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.node.tracking.TrackingTokens;
import io.herald.protocol.EmailAddress;
import io.herald.protocol.SubscriberKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * How many letters one thread renders per second: a 20 KB personalised campaign with tracked links,
 * a pixel, a generated text part, rendered and written out as MIME bytes, as a send worker would
 * before handing them to a transport.
 *
 * <p>Run: {@code mvn -q -pl cluster-node exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.herald.node.letter.RenderBench -Dexec.args="50000 2"} (args: letters per
 * thread, threads). The first pass warms the JIT and is not reported.
 */
public final class RenderBench {

  private RenderBench() {}

  /** Renders the letters and prints letters per second per thread and in total. */
  public static void main(String[] args) throws Exception {
    int letters = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;

    LetterTemplates templates =
        new LetterTemplates(
            new TrackingTokens(
                "bench key bench key bench key bench".getBytes(StandardCharsets.UTF_8)),
            Clock.systemUTC());
    String html = campaignHtml();
    CompiledCampaign campaign =
        templates.compile(
            new CampaignContent(
                "{{name}}, your spring picks 🌷",
                "Herald Shop",
                "news@shop.example.com",
                null,
                html,
                null),
            LetterSettings.defaults("https://herald.example.com"));
    List<Recipient> recipients = recipients(1_000);
    System.out.printf(
        Locale.ROOT,
        "template %d bytes, %d tracked links, letter %d bytes%n",
        html.getBytes(StandardCharsets.UTF_8).length,
        campaign.links().size(),
        campaign.render(recipients.get(0)).toBytes().length);

    run(campaign, recipients, Math.max(1_000, letters / 5), threads, new long[threads]); // warm-up
    long[] cpuNanos = new long[threads];
    double seconds = run(campaign, recipients, letters, threads, cpuNanos);
    double perThread = letters / seconds;
    double cpuMicros = Arrays.stream(cpuNanos).sum() / 1e3 / ((double) letters * threads);
    // On a shared machine wall time includes other processes; CPU time per letter does not.
    System.out.printf(
        Locale.ROOT,
        "%d threads x %d letters: %.0f letters/s per thread, %.0f letters/s in all;"
            + " %.1f us of CPU per letter (%.0f letters/s per busy core)%n",
        threads,
        letters,
        perThread,
        perThread * threads,
        cpuMicros,
        1e6 / cpuMicros);
  }

  private static double run(
      CompiledCampaign campaign,
      List<Recipient> recipients,
      int letters,
      int threads,
      long[] cpuNanos)
      throws InterruptedException {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] sink = new long[threads];
    for (int t = 0; t < threads; t++) {
      int worker = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                long began = cpu.getCurrentThreadCpuTime();
                long bytes = 0;
                for (int i = 0; i < letters; i++) {
                  Letter letter = campaign.render(recipients.get((i + worker) % recipients.size()));
                  bytes += letter.toBytes().length;
                }
                cpuNanos[worker] = cpu.getCurrentThreadCpuTime() - began;
                sink[worker] = bytes;
              });
      thread.start();
      workers.add(thread);
    }
    long began = System.nanoTime();
    start.countDown();
    for (Thread thread : workers) {
      thread.join();
    }
    return (System.nanoTime() - began) / 1e9;
  }

  private static List<Recipient> recipients(int count) {
    ObjectMapper json = new ObjectMapper();
    List<Recipient> recipients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      EmailAddress email = EmailAddress.parse("person" + i + "@example.com").orElseThrow();
      ObjectNode attributes = json.createObjectNode();
      attributes.put("city", i % 2 == 0 ? "Lyon" : "Zürich");
      attributes.put("points", i * 7);
      attributes.put("vip", i % 5 == 0);
      ArrayNode picks = attributes.putArray("picks");
      for (int p = 0; p < 3; p++) {
        picks.addObject().put("title", "Product " + (i + p)).put("price", 10 + p);
      }
      recipients.add(
          new Recipient(
              "acc_abcdefghijklmnop",
              "cmp_qrstuvwxyz234567",
              SubscriberKeys.subscriberId("acc_abcdefghijklmnop", email),
              email,
              "Person Number " + i,
              attributes,
              "lst_newsletter"));
    }
    return recipients;
  }

  /** About 20 KB of table-based newsletter HTML with 20 distinct tracked links. */
  private static String campaignHtml() {
    StringBuilder html =
        new StringBuilder(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Spring</title>"
                + "<style>td{font-family:Arial,sans-serif;font-size:14px;color:#333}"
                + ".btn{background:#0a7;color:#fff;padding:8px 16px}</style></head><body>\n"
                + "<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" align=\"center\">\n"
                + "<tr><td><h1>Hello {{name}}!</h1><p>Spring has reached {{attributes.city}}:"
                + " you have {{attributes.points}} points.</p></td></tr>\n"
                + "{{#attributes.vip}}<tr><td><p><b>VIP</b> early access for you.</p></td></tr>"
                + "{{/attributes.vip}}\n"
                + "{{#attributes.picks}}<tr><td><a href=\"https://shop.example.com/p\">{{title}}"
                + "</a> for {{price}} EUR</td></tr>{{/attributes.picks}}\n");
    int section = 0;
    while (html.length() < 19_000) {
      int link = section % 20;
      html.append("<tr><td style=\"padding:12px 24px;border-bottom:1px solid #eee\">")
          .append("<h2>Section ")
          .append(section)
          .append("</h2><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do")
          .append(" eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim")
          .append(" veniam, quis nostrud exercitation ullamco laboris.</p>")
          .append("<p><a class=\"btn\" href=\"https://shop.example.com/collection/")
          .append(link)
          .append("?utm_source=herald&amp;utm_campaign=spring\">See collection ")
          .append(link)
          .append("</a></p></td></tr>\n");
      section++;
    }
    html.append(
        "<tr><td><p>Sent to {{email}}. <a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>"
            + "</td></tr>\n</table>\n</body></html>\n");
    return html.toString();
  }
}
