package io.herald.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import io.herald.node.HeraldNode;
import io.herald.node.TestNodes;
import io.herald.node.api.Api.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The suppression list through HTTP: adding, reading, paging and lifting entries, bad input, other
 * accounts, and that nothing reaches a suppressed address (sign-ups, proofs, campaigns).
 */
class SuppressionApiTest {

  @TempDir static Path dataDir;

  private static HeraldNode node;
  private static Api api;
  private static Path pickup;
  private String key;
  private String listId;

  @BeforeAll
  static void startNode() {
    int httpPort = TestNodes.freePort();
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
                    "http://127.0.0.1:" + httpPort,
                    // One letter a second, one recipient per batch, one batch at a time: a
                    // campaign's later batches start seconds after it was planned.
                    "herald.transport.rate",
                    1,
                    "herald.sending.batch-size",
                    1,
                    "herald.sending.parallel-batches",
                    1,
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
    key = api.openAccount(TestNodes.OPERATOR_TOKEN, "Acme");
    listId = api.createList(key, "News");
  }

  private Reply suppress(String json) {
    return api.post("/api/v1/suppressions", key, json);
  }

  private List<String> listed(String query) {
    Reply page = api.get("/api/v1/suppressions" + query, key);
    assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
    var emails = new ArrayList<String>();
    page.body().get("items").forEach(i -> emails.add(i.get("email").asText()));
    return emails;
  }

  @Test
  void anAddressIsSuppressedReadListedAndLifted() {
    Reply added = suppress("{\"email\":\" Ann@Example.COM \"}");
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    assertThat(added.body().get("email").asText()).isEqualTo("Ann@example.com");
    assertThat(added.body().get("reason").asText()).isEqualTo("blocklisted");
    assertThat(added.body().get("since").asText()).isNotBlank();
    String since = added.body().get("since").asText();
    String subscriberId = added.body().get("subscriberId").asText();

    // Again, even with another reason: already suppressed, nothing stored changes.
    Reply again = suppress("{\"email\":\"Ann@example.com\",\"reason\":\"bounced\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("reason").asText()).isEqualTo("blocklisted");
    assertThat(again.body().get("since").asText()).isEqualTo(since);

    Reply bounced = suppress("{\"email\":\"bo@example.com\",\"reason\":\"bounced\"}");
    assertThat(bounced.status()).isEqualTo(201);
    assertThat(bounced.body().get("reason").asText()).isEqualTo("bounced");

    Reply one = api.get("/api/v1/suppressions/Ann%40example.com", key);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().get("subscriberId").asText()).isEqualTo(subscriberId);
    assertThat(api.get("/api/v1/suppressions/ann@example.com", key).status())
        .as("the local part keeps its case")
        .isEqualTo(404);

    Eventually.within(
        Duration.ofSeconds(10),
        () -> assertThat(listed("")).containsExactly("bo@example.com", "Ann@example.com"));
    assertThat(listed("?reason=bounced")).containsExactly("bo@example.com");
    assertThat(listed("?reason=complained")).isEmpty();

    assertThat(api.delete("/api/v1/suppressions/Ann%40example.com", key).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/suppressions/Ann%40example.com", key).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/suppressions/Ann%40example.com", key).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/suppressions/never%40example.com", key).status()).isEqualTo(404);
    Eventually.within(
        Duration.ofSeconds(10), () -> assertThat(listed("")).containsExactly("bo@example.com"));
  }

  @Test
  void pagesWalkTheWholeListOnceWithACursor() {
    Reply bulk =
        suppress(
            "{\"reason\":\"complained\",\"emails\":[\"a@example.com\",\"b@example.com\","
                + "\"c@example.com\",\"A@EXAMPLE.com\",\"d+tag@example.com\"]}");
    assertThat(bulk.status()).as(bulk.body().toString()).isEqualTo(200);
    assertThat(bulk.body().get("added").asInt()).isEqualTo(5);
    assertThat(bulk.body().get("items")).hasSize(5);
    suppress("{\"email\":\"e@example.com\",\"reason\":\"unsubscribed\"}");
    Reply repeated = suppress("{\"emails\":[\"a@example.com\",\"f@example.com\"]}");
    assertThat(repeated.body().get("added").asInt()).isEqualTo(1);
    assertThat(repeated.body().get("alreadySuppressed").asInt()).isEqualTo(1);

    Eventually.within(Duration.ofSeconds(10), () -> assertThat(listed("")).hasSize(7));
    var walked = new ArrayList<String>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page =
          api.get(
              "/api/v1/suppressions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key);
      assertThat(page.status()).isEqualTo(200);
      page.body().get("items").forEach(i -> walked.add(i.get("email").asText()));
      cursor =
          page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(4);
    assertThat(walked).doesNotHaveDuplicates().hasSize(7);
    assertThat(walked.get(0)).isEqualTo("e@example.com");
    assertThat(walked).contains("d+tag@example.com", "A@example.com", "f@example.com");
    assertThat(api.get("/api/v1/suppressions/d%2Btag%40example.com", key).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"email\":\"not-an-address\"}|422|invalid_email",
        "{\"email\":\"a@example.com\",\"reason\":\"spam\"}|422|invalid_reason",
        "{\"email\":\"a@example.com\",\"reason\":\"active\"}|422|invalid_reason",
        "{\"email\":\"a@example.com\",\"reason\":\"\"}|422|invalid_reason",
        "{\"email\":5}|400|invalid_type",
        "{\"email\":\"a@example.com\",\"reason\":true}|400|invalid_type",
        "{\"emails\":\"a@example.com\"}|400|invalid_type",
        "{\"emails\":[\"a@example.com\",7]}|400|invalid_type",
        "{\"emails\":[\"a@example.com\",\"bad\"]}|422|invalid_email",
        "{\"emails\":[]}|422|missing_field",
        "{}|422|missing_field",
        "{\"email\":\"a@example.com\",\"emails\":[\"b@example.com\"]}|422|missing_field",
        "{\"email\":\"a@example.com\",\"note\":\"x\"}|400|unknown_field",
        "[1]|400|not_an_object",
        "{\"email\":|400|malformed_json"
      })
  void badInputIsRefusedAndChangesNothing(String body, int status, String code) {
    Reply reply = suppress(body);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
    assertThat(reply.errorCode()).isEqualTo(code);
    assertThat(reply.body().at("/error/message").asText()).isNotBlank();
    assertThat(api.get("/api/v1/suppressions/a%40example.com", key).status()).isEqualTo(404);
  }

  @Test
  void tooManyAddressesAndBadParametersAreRefused() {
    var many = new StringBuilder("{\"emails\":[");
    for (int i = 0; i <= 1000; i++) {
      many.append(i == 0 ? "" : ",").append("\"p").append(i).append("@example.com\"");
    }
    Reply tooMany = suppress(many.append("]}").toString());
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.errorCode()).isEqualTo("too_many_addresses");

    assertThat(api.get("/api/v1/suppressions?reason=spam", key).errorCode())
        .isEqualTo("invalid_reason");
    assertThat(api.get("/api/v1/suppressions?limit=0", key).errorCode()).isEqualTo("invalid_limit");
    assertThat(api.get("/api/v1/suppressions?cursor=xyz", key).errorCode())
        .isEqualTo("invalid_cursor");
    Reply badPath = api.get("/api/v1/suppressions/no-at-sign", key);
    assertThat(badPath.status()).isEqualTo(422);
    assertThat(badPath.errorCode()).isEqualTo("invalid_email");
    assertThat(
            api.post(
                    "/api/v1/suppressions",
                    key,
                    "text/plain",
                    "{\"email\":\"a@example.com\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status())
        .isEqualTo(415);
    assertThat(api.get("/api/v1/suppressions", null).status()).isEqualTo(401);
  }

  @Test
  void anotherAccountsSuppressionsAreNotFound() {
    String other = api.openAccount(TestNodes.OPERATOR_TOKEN, "Other");
    assertThat(api.post("/api/v1/suppressions", other, "{\"email\":\"x@example.com\"}").status())
        .isEqualTo(201);

    assertThat(api.get("/api/v1/suppressions/x%40example.com", key).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/suppressions/x%40example.com", key).status()).isEqualTo(404);
    Eventually.within(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    api.get("/api/v1/suppressions", other)
                        .body()
                        .get("items")
                        .get(0)
                        .get("email")
                        .asText())
                .isEqualTo("x@example.com"));
    assertThat(listed("")).isEmpty();
    assertThat(api.get("/api/v1/suppressions/x%40example.com", other).status()).isEqualTo(200);
  }

  @Test
  void aSignUpOfASuppressedAddressStaysSuppressed() {
    suppress("{\"email\":\"kim@example.com\",\"reason\":\"complained\"}");

    Reply signUp =
        api.post(
            "/api/v1/subscribers",
            key,
            "{\"email\":\"kim@example.com\",\"name\":\"Kim\",\"lists\":[\"" + listId + "\"]}");

    assertThat(signUp.status()).isEqualTo(200);
    assertThat(signUp.body().get("status").asText()).isEqualTo("complained");
    assertThat(signUp.body().get("name").asText()).isEqualTo("Kim");
    assertThat(api.get("/api/v1/suppressions/kim%40example.com", key).body().get("reason").asText())
        .isEqualTo("complained");
  }

  @Test
  void aProofToASuppressedAddressIsSkippedAndSaysSo() {
    suppress("{\"email\":\"blocked@example.com\"}");
    String campaign = campaign("Proof");

    Reply proof =
        api.post(
            "/api/v1/campaigns/" + campaign + "/test",
            key,
            "{\"emails\":[\"blocked@example.com\",\"editor@example.com\"]}");

    assertThat(proof.status()).as(proof.body().toString()).isEqualTo(200);
    assertThat(proof.body().at("/results/0/status").asText()).isEqualTo("suppressed");
    assertThat(proof.body().at("/results/0/detail").asText()).contains("suppression list");
    assertThat(proof.body().at("/results/1/status").asText()).isEqualTo("sent");
    assertThat(PickupLetters.recipients(pickup))
        .contains("editor@example.com")
        .doesNotContain("blocked@example.com");
  }

  @Test
  void aSubscriberSuppressedAfterPlanningGetsNoLetter() {
    var people = new ArrayList<Map.Entry<String, String>>();
    for (String name : List.of("p1", "p2", "p3", "p4", "p5")) {
      String email = name + "-" + key.substring(key.length() - 6) + "@example.com";
      Reply r =
          api.post(
              "/api/v1/subscribers",
              key,
              "{\"email\":\"" + email + "\",\"lists\":[\"" + listId + "\"]}");
      assertThat(r.status()).isEqualTo(201);
      people.add(Map.entry(r.body().get("id").asText(), email));
    }
    people.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    String last = people.get(people.size() - 1).getValue();
    Eventually.within(
        Duration.ofSeconds(10),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().get("items"))
                .hasSize(5));
    String campaign = campaign("Spring");

    assertThat(api.post("/api/v1/campaigns/" + campaign + "/send", key, "").status())
        .isEqualTo(202);
    // Planned: five recipients in five batches, sent one a second, the last id last.
    Eventually.within(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    api.get("/api/v1/campaigns/" + campaign, key)
                        .body()
                        .at("/stats/recipients")
                        .asInt())
                .isEqualTo(5));
    Reply suppressed = suppress("{\"email\":\"" + last + "\",\"reason\":\"bounced\"}");
    assertThat(suppressed.status()).isEqualTo(201);

    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(api.get("/api/v1/campaigns/" + campaign, key).body().get("status").asText())
                .isEqualTo("completed"));
    List<String> sentTo = PickupLetters.recipients(pickup);
    assertThat(sentTo).doesNotContain(last);
    for (var person : people.subList(0, people.size() - 1)) {
      assertThat(sentTo).contains(person.getValue());
    }
    assertThat(api.get("/api/v1/campaigns/" + campaign, key).body().at("/stats/sent").asInt())
        .isEqualTo(4);
  }

  private String campaign(String name) {
    Reply created =
        api.post(
            "/api/v1/campaigns",
            key,
            "{\"name\":\""
                + name
                + "\",\"subject\":\"Hello\",\"fromName\":\"Acme\","
                + "\"fromEmail\":\"news@acme.example\",\"html\":\"<p>Hi {{name}}</p>\","
                + "\"lists\":[\""
                + listId
                + "\"]}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    return created.body().get("id").asText();
  }
}
