package io.herald.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api.Reply;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Double opt-in through HTTP: lists with the option, sign-ups that wait unconfirmed, the
 * confirmation letter in the pickup directory, its signed link (a page on GET, the confirmation on
 * POST), forged links, and that unconfirmed members get no campaign.
 */
class DoubleOptInApiTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir static Path dataDir;

  private static HeraldNode node;
  private static Api api;
  private static Path pickup;
  private static String publicUrl;
  private String key;
  private String listId;

  @BeforeAll
  static void startNode() {
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
                    "herald.confirmations.from-email",
                    "confirm@acme.example",
                    "herald.sending.tick-interval",
                    "500ms")));
    api = new Api(node.httpAddress());
    pickup = dataDir.resolve("pickup");
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stopAndWait(Duration.ofSeconds(30));
  }

  @BeforeEach
  void openAccount() {
    key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Acme Books");
    Reply list = api.post("/api/v1/lists", key, "{\"name\":\"Weekly Picks\",\"doubleOptIn\":true}");
    assertThat(list.status()).isEqualTo(201);
    assertThat(list.body().get("doubleOptIn").asBoolean()).isTrue();
    listId = list.body().get("id").asText();
  }

  private Reply signUp(String email, String... lists) {
    return api.post(
        "/api/v1/subscribers",
        key,
        "{\"email\":\"" + email + "\",\"lists\":[\"" + String.join("\",\"", lists) + "\"]}");
  }

  private static List<MimeMessage> confirmationsTo(String email) {
    return PickupLetters.in(pickup).stream()
        .filter(m -> PickupLetters.to(m).equals(email))
        .filter(m -> subject(m).startsWith("Confirm your subscription"))
        .toList();
  }

  private static MimeMessage awaitConfirmation(String email) {
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(confirmationsTo(email)).hasSize(1));
    return confirmationsTo(email).get(0);
  }

  private String membership(String subscriberId, String list) {
    Reply subscriber = api.get("/api/v1/subscribers/" + subscriberId, key);
    for (var m : subscriber.body().get("lists")) {
      if (m.get("id").asText().equals(list)) {
        return m.get("status").asText();
      }
    }
    return "none";
  }

  @Test
  void listsShowTheOptionWhichIsOffUnlessAskedFor() {
    assertThat(api.get("/api/v1/lists/" + listId, key).body().get("doubleOptIn").asBoolean())
        .isTrue();
    String plain = api.createList(key, "Plain");
    assertThat(api.get("/api/v1/lists/" + plain, key).body().get("doubleOptIn").asBoolean())
        .isFalse();

    Reply wrongType = api.post("/api/v1/lists", key, "{\"name\":\"X\",\"doubleOptIn\":\"yes\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.errorCode()).isEqualTo("invalid_type");
  }

  @Test
  void aSignUpWaitsUnconfirmedUntilTheLinkIsFollowedAndPosted() throws Exception {
    String plain = api.createList(key, "Announcements");
    Reply created = signUp("reader@example.com", listId, plain);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    String id = created.body().get("id").asText();
    assertThat(membership(id, listId)).isEqualTo("unconfirmed");
    assertThat(membership(id, plain)).isEqualTo("subscribed");

    MimeMessage letter = awaitConfirmation("reader@example.com");
    assertThat(subject(letter)).isEqualTo("Confirm your subscription to Weekly Picks");
    assertThat(letter.getFrom()[0].toString()).isEqualTo("Acme Books <confirm@acme.example>");
    assertThat(letter.getHeader("List-Unsubscribe")).isNull();
    String html = part(letter, "text/html");
    String text = part(letter, "text/plain");
    assertThat(html).contains("Weekly Picks").contains("Acme Books");
    assertThat(text).contains("Weekly Picks").contains("Acme Books");
    String link = find(html, Pattern.quote(publicUrl) + "/c/[A-Za-z0-9_.-]+");
    assertThat(text).contains(link);
    // The token names the account, the list and the subscriber, and is signed.
    String token = link.substring(link.lastIndexOf('/') + 1);
    assertThat(token).startsWith("d.").contains(listId).contains(id);

    // A GET (a mail scanner, or the person) only shows the page with its button.
    HttpResponse<String> page = get(link);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<form method=\"post\" action=\"/c/" + token + "\"")
        .contains("Weekly Picks")
        .contains("Acme Books");
    assertThat(membership(id, listId)).isEqualTo("unconfirmed");

    HttpResponse<String> confirmed = post(link);
    assertThat(confirmed.statusCode()).isEqualTo(200);
    assertThat(confirmed.body()).contains("confirmed");
    assertThat(membership(id, listId)).isEqualTo("subscribed");
    // Following the link again is harmless.
    assertThat(post(link).statusCode()).isEqualTo(200);
  }

  @Test
  void aRepeatedSignUpWhileUnconfirmedSendsNoSecondLetter() throws Exception {
    signUp("twice@example.com", listId);
    MimeMessage first = awaitConfirmation("twice@example.com");
    String firstDate = first.getHeader("Date")[0];
    long firstWritten = lastModifiedOfConfirmations();

    Thread.sleep(1100);
    Reply again = signUp("twice@example.com", listId);

    assertThat(again.status()).isEqualTo(200);
    Thread.sleep(1000);
    assertThat(confirmationsTo("twice@example.com")).hasSize(1);
    assertThat(confirmationsTo("twice@example.com").get(0).getHeader("Date")[0])
        .isEqualTo(firstDate);
    assertThat(lastModifiedOfConfirmations()).isEqualTo(firstWritten);
  }

  @Test
  void forgedOrAlteredLinksAreNotFoundAndChangeNothing() throws Exception {
    String id = signUp("careful@example.com", listId).body().get("id").asText();
    String link =
        find(
            part(awaitConfirmation("careful@example.com"), "text/html"),
            Pattern.quote(publicUrl) + "/c/[A-Za-z0-9_.-]+");
    String token = link.substring(link.lastIndexOf('/') + 1);
    char lastChar = token.charAt(token.length() - 1);
    String altered = token.substring(0, token.length() - 1) + (lastChar == 'A' ? 'B' : 'A');
    String otherList = api.createList(key, "Other");
    String swapped = token.replace(listId, otherList);
    String unsubscribeKind = "u" + token.substring(1);

    for (String forged : List.of(altered, swapped, unsubscribeKind, "garbage", "d.a.b.c.xyz")) {
      assertThat(get(publicUrl + "/c/" + forged).statusCode()).as(forged).isEqualTo(404);
      assertThat(post(publicUrl + "/c/" + forged).statusCode()).as(forged).isEqualTo(404);
    }
    assertThat(membership(id, listId)).isEqualTo("unconfirmed");
  }

  @Test
  void aSuppressedAddressGetsNoConfirmationLetter() throws Exception {
    api.post("/api/v1/suppressions", key, "{\"email\":\"quiet@example.com\"}");
    signUp("loud@example.com", listId);
    Reply quiet = signUp("quiet@example.com", listId);

    assertThat(quiet.body().get("status").asText()).isEqualTo("blocklisted");
    awaitConfirmation("loud@example.com");
    Thread.sleep(500);
    assertThat(confirmationsTo("quiet@example.com")).isEmpty();
  }

  @Test
  void unconfirmedMembersReceiveNoCampaign() throws Exception {
    String confirmedId = signUp("yes@example.com", listId).body().get("id").asText();
    signUp("maybe@example.com", listId);
    String link =
        find(
            part(awaitConfirmation("yes@example.com"), "text/html"),
            Pattern.quote(publicUrl) + "/c/[A-Za-z0-9_.-]+");
    assertThat(post(link).statusCode()).isEqualTo(200);
    assertThat(membership(confirmedId, listId)).isEqualTo("subscribed");
    Eventually.within(
        Duration.ofSeconds(10),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().toString())
                .contains("\"subscribed\"")
                .contains("\"unconfirmed\""));

    Reply created =
        api.post(
            "/api/v1/campaigns",
            key,
            "{\"name\":\"Picks\",\"subject\":\"This week\",\"fromEmail\":\"news@acme.example\","
                + "\"html\":\"<p>Picks</p>\",\"lists\":[\""
                + listId
                + "\"]}");
    String campaign = created.body().get("id").asText();
    api.post("/api/v1/campaigns/" + campaign + "/send", key, "");
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(api.get("/api/v1/campaigns/" + campaign, key).body().get("status").asText())
                .isEqualTo("completed"));

    Reply done = api.get("/api/v1/campaigns/" + campaign, key);
    assertThat(done.body().at("/stats/recipients").asInt()).isEqualTo(1);
    List<String> campaignLetters =
        PickupLetters.in(pickup).stream()
            .filter(m -> subject(m).equals("This week"))
            .map(PickupLetters::to)
            .toList();
    assertThat(campaignLetters).containsExactly("yes@example.com");
  }

  private static long lastModifiedOfConfirmations() throws Exception {
    try (var files = java.nio.file.Files.list(pickup)) {
      return files
          .filter(f -> f.getFileName().toString().contains("confirm"))
          .mapToLong(f -> f.toFile().lastModified())
          .max()
          .orElse(0);
    }
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String part(MimeMessage m, String type) throws Exception {
    MimeMultipart multipart = (MimeMultipart) m.getContent();
    for (int i = 0; i < multipart.getCount(); i++) {
      if (multipart.getBodyPart(i).isMimeType(type)) {
        return (String) multipart.getBodyPart(i).getContent();
      }
    }
    throw new AssertionError("no " + type + " part");
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("no match for " + regex).isTrue();
    return m.group();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(""))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
