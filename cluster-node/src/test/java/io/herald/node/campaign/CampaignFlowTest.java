package io.herald.node.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api;
import io.herald.node.api.Api.Reply;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A campaign from the API to an SMTP server and back through tracking and unsubscribe. */
class CampaignFlowTest {

  private static final int SMTP_PORT = TestNodes.freePort();

  @RegisterExtension
  static GreenMailExtension smtp =
      new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  @TempDir static Path dataDir;

  private static HeraldNode node;
  private static Api api;
  private static String publicUrl;

  private String key;
  private String listId;

  @BeforeAll
  static void start() {
    int httpPort = TestNodes.freePort();
    publicUrl = "http://127.0.0.1:" + httpPort;
    node =
        HeraldNode.start(
            TestNodes.config(
                dataDir,
                "h2",
                TestNodes.memoryH2(),
                0,
                "",
                "gateway,worker",
                Map.of(
                    "herald.http.port",
                    httpPort,
                    "herald.public-url",
                    publicUrl,
                    "herald.transport.kind",
                    "smtp",
                    "herald.transport.smtp.host",
                    "127.0.0.1",
                    "herald.transport.smtp.port",
                    SMTP_PORT,
                    "herald.transport.smtp.tls",
                    "none",
                    "herald.transport.smtp.connections",
                    2,
                    "herald.sending.batch-size",
                    2,
                    "herald.sending.tick-interval",
                    "500ms")));
    api = new Api(node.httpAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    node.stopAndWait(Duration.ofSeconds(30));
  }

  @BeforeEach
  void account() {
    smtp.reset();
    key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Acme");
    listId = api.createList(key, "News");
  }

  private String subscribe(String email, String name, String city) {
    Reply r =
        api.post(
            "/api/v1/subscribers",
            key,
            "{\"email\":\""
                + email
                + "\",\"name\":\""
                + name
                + "\",\"attributes\":{\"city\":\""
                + city
                + "\"},\"lists\":[\""
                + listId
                + "\"]}");
    assertThat(r.status()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  private String campaignJson(String html) {
    return "{\"name\":\"Spring\",\"subject\":\"Hello {{name}} from {{attributes.city}}\","
        + "\"fromName\":\"Acme News\",\"fromEmail\":\"news@acme.example\",\"html\":"
        + quote(html)
        + ",\"lists\":[\""
        + listId
        + "\"]}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private void awaitMembers(int n) {
    Eventually.within(
        Duration.ofSeconds(20),
        () ->
            assertThat(
                    api.get("/api/v1/lists/" + listId + "/subscribers?limit=1000", key)
                        .body()
                        .get("items"))
                .hasSize(n));
  }

  private Reply awaitStatus(String id, String status) {
    Reply[] last = new Reply[1];
    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          last[0] = api.get("/api/v1/campaigns/" + id, key);
          assertThat(last[0].body().get("status").asText()).isEqualTo(status);
        });
    return last[0];
  }

  @Test
  void aCampaignReachesEverySubscribedPersonOncePersonalisedAndTracked() throws Exception {
    subscribe("ann@example.com", "Ann", "Oslo");
    subscribe("bo@example.com", "Bo", "Lyon");
    String gone = subscribe("gone@example.com", "Gone", "Rome");
    subscribe("cy@example.com", "Cy", "Bern");
    assertThat(api.delete("/api/v1/subscribers/" + gone, key).status()).isEqualTo(204);
    awaitMembers(3);

    Reply created =
        api.post(
            "/api/v1/campaigns",
            key,
            campaignJson(
                "<html><body><p>Hi {{name}}</p><a href=\"https://acme.example/sale\">Sale</a>"
                    + "<a href=\"mailto:help@acme.example\">Help</a>"
                    + "<a href=\"{{unsubscribe_url}}\">Unsubscribe</a></body></html>"));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("draft");
    String id = created.body().get("id").asText();

    Reply sent = api.post("/api/v1/campaigns/" + id + "/send", key, "");
    assertThat(sent.status()).isEqualTo(202);
    Reply done = awaitStatus(id, "completed");

    assertThat(done.body().at("/stats/recipients").intValue()).isEqualTo(3);
    assertThat(done.body().at("/stats/sent").intValue()).isEqualTo(3);
    assertThat(done.body().at("/stats/failed").intValue()).isZero();
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(3);
    assertThat(Arrays.stream(received).map(m -> subject(m)).toList())
        .containsExactlyInAnyOrder(
            "Hello Ann from Oslo", "Hello Bo from Lyon", "Hello Cy from Bern");
    assertThat(Arrays.stream(received).map(m -> to(m)).toList()).doesNotContain("gone@example.com");

    MimeMessage ann =
        Arrays.stream(received)
            .filter(m -> to(m).equals("ann@example.com"))
            .findFirst()
            .orElseThrow();
    assertThat(ann.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
    assertThat(ann.getHeader("List-Unsubscribe")[0]).startsWith("<" + publicUrl + "/u/");
    assertThat(ann.getMessageID()).contains(id);
    String html = htmlOf(ann);
    assertThat(html)
        .doesNotContain("https://acme.example/sale")
        .contains("mailto:help@acme.example");

    // A tracked click goes to the stored link, once counted per person.
    String click = find(html, publicUrl + "/t/c/[A-Za-z0-9_.-]+");
    HttpResponse<String> redirect = getRaw(click);
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location")).contains("https://acme.example/sale");
    getRaw(click);
    String pixel = find(html, publicUrl + "/t/o/[A-Za-z0-9_.-]+");
    assertThat(getRaw(pixel).statusCode()).isEqualTo(200);
    assertThat(getRaw(pixel.substring(0, pixel.length() - 2) + "xx").statusCode()).isEqualTo(404);
    assertThat(getRaw(click + "x").statusCode()).isEqualTo(404);

    // The unsubscribe page asks first; the one-click POST unsubscribes.
    String unsubscribe = ann.getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "");
    HttpResponse<String> page = getRaw(unsubscribe);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\"");
    HttpResponse<String> oneClick = postForm(unsubscribe, "List-Unsubscribe=One-Click");
    assertThat(oneClick.statusCode()).isEqualTo(200);

    Eventually.within(
        Duration.ofSeconds(10),
        () -> {
          Reply stats = api.get("/api/v1/campaigns/" + id, key);
          assertThat(stats.body().at("/stats/opened").intValue()).isEqualTo(1);
          assertThat(stats.body().at("/stats/clicked").intValue()).isEqualTo(1);
          assertThat(stats.body().at("/stats/unsubscribed").intValue()).isEqualTo(1);
        });

    // Later sends skip the person who unsubscribed.
    Eventually.within(
        Duration.ofSeconds(10),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().toString())
                .contains("\"unsubscribed\""));
    smtp.reset();
    String second =
        api.post("/api/v1/campaigns", key, campaignJson("<p>Again {{name}}</p>"))
            .body()
            .get("id")
            .asText();
    api.post("/api/v1/campaigns/" + second + "/send", key, "");
    awaitStatus(second, "completed");
    assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> to(m)).toList())
        .containsExactlyInAnyOrder("bo@example.com", "cy@example.com");
  }

  @Test
  void badContentIsRefusedAtCreateTime() {
    Reply mustache =
        api.post("/api/v1/campaigns", key, campaignJson("<p>{{#open}} never closed</p>"));
    assertThat(mustache.status()).isEqualTo(422);
    assertThat(mustache.body().at("/error/message").asText()).contains("line");

    Reply script =
        api.post("/api/v1/campaigns", key, campaignJson("<a href=\"javascript:alert(1)\">x</a>"));
    assertThat(script.status()).isEqualTo(422);

    Reply injected =
        api.post(
            "/api/v1/campaigns",
            key,
            "{\"name\":\"x\",\"subject\":\"Hi\\r\\nBcc: evil@example.com\",\"fromEmail\":\"a@acme.example\","
                + "\"html\":\"<p>x</p>\",\"lists\":[\""
                + listId
                + "\"]}");
    assertThat(injected.status()).isEqualTo(422);

    Reply unknownList =
        api.post(
            "/api/v1/campaigns",
            key,
            "{\"name\":\"x\",\"subject\":\"Hi\",\"fromEmail\":\"a@acme.example\",\"html\":\"<p>x</p>\",\"lists\":[\"lst_nope\"]}");
    assertThat(unknownList.status()).isEqualTo(422);
    assertThat(unknownList.errorCode()).isEqualTo("unknown_list");

    Reply huge =
        api.post("/api/v1/campaigns", key, campaignJson("<p>" + "x".repeat(5_000_000) + "</p>"));
    assertThat(huge.status()).isIn(413, 422);
    assertThat(huge.body().at("/error/message").asText()).isNotBlank();
  }

  @Test
  void draftsAreEditedProofedAndFinishedCampaignsRefuseChanges() {
    subscribe("ann@example.com", "Ann", "Oslo");
    awaitMembers(1);
    String id =
        api.post("/api/v1/campaigns", key, campaignJson("<p>v1</p>")).body().get("id").asText();

    Reply edited = api.put("/api/v1/campaigns/" + id, key, campaignJson("<p>v2 {{name}}</p>"));
    assertThat(edited.status()).isEqualTo(200);
    assertThat(edited.body().get("html").asText()).isEqualTo("<p>v2 {{name}}</p>");

    Reply proof =
        api.post("/api/v1/campaigns/" + id + "/test", key, "{\"emails\":[\"proof@example.com\"]}");
    assertThat(proof.status()).isEqualTo(200);
    assertThat(proof.body().at("/results/0/status").asText()).isEqualTo("sent");
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(to(smtp.getReceivedMessages()[0])).isEqualTo("proof@example.com");
    assertThat(api.get("/api/v1/campaigns/" + id, key).body().at("/stats/sent").intValue())
        .isZero();

    assertThat(api.post("/api/v1/campaigns/" + id + "/pause", key, "").status()).isEqualTo(409);
    assertThat(api.post("/api/v1/campaigns/" + id + "/cancel", key, "").status()).isEqualTo(200);
    Reply again = api.post("/api/v1/campaigns/" + id + "/send", key, "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("campaign_finished");
    assertThat(api.put("/api/v1/campaigns/" + id, key, campaignJson("<p>v3</p>")).status())
        .isEqualTo(409);

    String otherKey = api.openAccount(TestNodes.OPERATOR_TOKEN, "Other");
    assertThat(api.get("/api/v1/campaigns/" + id, otherKey).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/campaigns/cmp_doesnotexist1234", key).status()).isEqualTo(404);
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("no match for " + regex).isTrue();
    return m.group();
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String to(MimeMessage m) {
    try {
      return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String htmlOf(MimeMessage m) throws Exception {
    MimeMultipart multipart = (MimeMultipart) m.getContent();
    for (int i = 0; i < multipart.getCount(); i++) {
      if (multipart.getBodyPart(i).isMimeType("text/html")) {
        return (String) multipart.getBodyPart(i).getContent();
      }
    }
    throw new AssertionError("no HTML part");
  }

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static HttpResponse<String> getRaw(String url) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> postForm(String url, String body) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
