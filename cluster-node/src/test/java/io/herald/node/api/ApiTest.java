package io.herald.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.node.Eventually;
import io.herald.node.TestNodes;
import io.herald.node.api.Api.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP API of one node on H2, from the client's side. */
class ApiTest extends OneNodeApiTest {

  private Reply upsert(String json) {
    return api.post("/api/v1/subscribers", key, json);
  }

  private String createSubscriber(String email) {
    Reply reply =
        upsert("{\"email\":\"" + email + "\",\"name\":\"N\",\"lists\":[\"" + listId + "\"]}");
    assertThat(reply.status()).as(reply.body().toString()).isIn(200, 201);
    return reply.body().get("id").asText();
  }

  @Test
  void accountsNeedTheOperatorToken() {
    assertThat(api.post("/api/v1/accounts", null, "{\"name\":\"x\"}").status()).isEqualTo(401);
    Reply wrong = api.post("/api/v1/accounts", "not-the-token", "{\"name\":\"x\"}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("unauthorized");
    Reply withKey = api.post("/api/v1/accounts", key, "{\"name\":\"x\"}");
    assertThat(withKey.status()).isEqualTo(401);

    Reply created = api.post("/api/v1/accounts", TestNodes.OPERATOR_TOKEN, "{\"name\":\"Beta\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("name").asText()).isEqualTo("Beta");
    assertThat(created.body().get("apiKey").asText()).startsWith("hk.");
  }

  @Test
  void listsAreCreatedListedAndRead() {
    Reply list = api.get("/api/v1/lists/" + listId, key);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().get("name").asText()).isEqualTo("Newsletter");
    assertThat(list.body().has("createdAt")).isTrue();

    String second = api.createList(key, "Offers");
    Reply all = api.get("/api/v1/lists", key);
    assertThat(all.status()).isEqualTo(200);
    var ids = new ArrayList<String>();
    all.body().get("items").forEach(n -> ids.add(n.get("id").asText()));
    assertThat(ids).containsExactly(listId, second);

    assertThat(api.get("/api/v1/lists/lst_nosuchlist", key).status()).isEqualTo(404);
  }

  @Test
  void aNewAddressIsCreatedAndAKnownOneUpdated() {
    Reply created =
        upsert(
            "{\"email\":\" Ann@Example.COM \",\"name\":\"Ann\",\"attributes\":{\"plan\":\"pro\","
                + "\"seats\":3},\"lists\":[\""
                + listId
                + "\"]}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("email").asText()).isEqualTo("Ann@example.com");
    assertThat(created.body().get("status").asText()).isEqualTo("active");
    assertThat(created.body().at("/lists/0/id").asText()).isEqualTo(listId);
    assertThat(created.body().at("/lists/0/status").asText()).isEqualTo("subscribed");
    assertThat(created.body().at("/attributes/seats").intValue()).isEqualTo(3);

    String other = api.createList(key, "Other");
    Reply updated =
        upsert(
            "{\"email\":\"Ann@example.com\",\"attributes\":{\"plan\":\"free\"},\"lists\":[\""
                + other
                + "\"]}");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body().get("id")).isEqualTo(created.body().get("id"));
    assertThat(updated.body().get("name").asText()).isEqualTo("Ann");
    assertThat(updated.body().at("/attributes/plan").asText()).isEqualTo("free");
    assertThat(updated.body().at("/attributes/seats").intValue()).isEqualTo(3);
    assertThat(updated.body().get("lists")).hasSize(2);

    Reply read = api.get("/api/v1/subscribers/" + created.body().get("id").asText(), key);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(updated.body());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON        | {\"email\": | 400 | malformed_json",
        "not an object         | [1,2]                                   | 400 | not_an_object",
        "wrong type            | {\"email\":42}                          | 400 | invalid_type",
        "lists of numbers      | {\"email\":\"a@example.com\",\"lists\":[1]} | 400 | invalid_type",
        "missing email         | {\"name\":\"Ann\"}                      | 422 | missing_field",
        "unknown field         | {\"email\":\"a@example.com\",\"admin\":true} | 400 | unknown_field",
        "no domain             | {\"email\":\"ann@\"}                    | 422 | invalid_email",
        "no at sign            | {\"email\":\"ann.example.com\"}         | 422 | invalid_email",
        "space                 | {\"email\":\"an n@example.com\"}        | 422 | invalid_email",
        "CRLF                  | {\"email\":\"a@example.com\\r\\nBcc: b@example.com\"} | 422 | invalid_email",
        "name with CRLF        | {\"email\":\"a@example.com\",\"name\":\"A\\r\\nB\"} | 422 | invalid_name",
        "attributes not object | {\"email\":\"a@example.com\",\"attributes\":[1]} | 400 | invalid_type",
        "too deep attributes   | {\"email\":\"a@example.com\",\"attributes\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}} | 422 | invalid_attributes",
        "bad attribute name    | {\"email\":\"a@example.com\",\"attributes\":{\"a b\":1}} | 422 | invalid_attributes",
        "unknown list          | {\"email\":\"a@example.com\",\"lists\":[\"lst_nope\"]} | 422 | unknown_list",
        "duplicate keys        | {\"email\":\"a@example.com\",\"email\":\"b@example.com\"} | 400 | malformed_json",
      })
  void badSubscriberInputIsRefusedClearly(String what, String json, int status, String code) {
    Reply reply = upsert(json);

    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
    assertThat(reply.errorCode()).isEqualTo(code);
    assertThat(reply.body().at("/error/message").asText()).isNotBlank();
  }

  @Test
  void oversizedAttributesAndBodiesAreRefused() {
    String big = "x".repeat(20_000);
    Reply attrs = upsert("{\"email\":\"a@example.com\",\"attributes\":{\"a\":\"" + big + "\"}}");
    assertThat(attrs.status()).isEqualTo(422);
    assertThat(attrs.errorCode()).isEqualTo("invalid_attributes");

    String huge = "x".repeat(2 * 1024 * 1024);
    Reply body = upsert("{\"email\":\"a@example.com\",\"name\":\"" + huge + "\"}");
    assertThat(body.status()).isEqualTo(413);
    assertThat(body.errorCode()).isEqualTo("body_too_large");
  }

  @Test
  void wrongMediaTypesAndEncodingsAreRefused() {
    Reply text =
        api.post(
            "/api/v1/subscribers",
            key,
            "text/plain",
            "{\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.errorCode()).isEqualTo("unsupported_media_type");

    byte[] latin1 =
        "{\"email\":\"a@example.com\",\"name\":\"Jörg\"}".getBytes(StandardCharsets.ISO_8859_1);
    Reply notUtf8 = api.post("/api/v1/subscribers", key, "application/json", latin1);
    assertThat(notUtf8.status()).isEqualTo(400);
    assertThat(notUtf8.errorCode()).isEqualTo("invalid_encoding");

    Reply empty = api.post("/api/v1/subscribers", key, "application/json", new byte[0]);
    assertThat(empty.status()).isEqualTo(400);
  }

  @Test
  void badInputLeavesStoredDataAlone() {
    String id = createSubscriber("keep@example.com");
    Reply before = api.get("/api/v1/subscribers/" + id, key);

    upsert(
        "{\"email\":\"keep@example.com\",\"attributes\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}}");
    upsert("{\"email\":\"keep@example.com\",\"name\":\"X\\nY\"}");
    upsert("{\"email\":\"keep@example.com\",\"lists\":[\"lst_nope\"]}");
    upsert("{\"email\":\"keep@example.com\",\"name\":7}");

    assertThat(api.get("/api/v1/subscribers/" + id, key).body()).isEqualTo(before.body());
  }

  @Test
  void tokensAreCheckedAndAccountsIsolated() {
    String id = createSubscriber("ann@example.com");
    String otherKey = api.openAccount(TestNodes.OPERATOR_TOKEN, "Other");

    assertThat(api.get("/api/v1/subscribers/" + id, null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/subscribers/" + id, "hk.acc_x.wrong").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/subscribers/" + id, key + "x").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/subscribers/" + id, "garbage").status()).isEqualTo(401);

    Reply foreign = api.get("/api/v1/subscribers/" + id, otherKey);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.body().toString()).doesNotContain("ann@example.com");
    assertThat(api.get("/api/v1/lists/" + listId, otherKey).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", otherKey).status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/subscribers/" + id, otherKey).status()).isEqualTo(404);
    Reply foreignList =
        api.post(
            "/api/v1/subscribers",
            otherKey,
            "{\"email\":\"b@example.com\",\"lists\":[\"" + listId + "\"]}");
    assertThat(foreignList.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/subscribers/" + id, key).status()).isEqualTo(200);
  }

  @Test
  void listMembersArePagedWithAStableCursor() {
    var ids = new HashSet<String>();
    for (int i = 0; i < 25; i++) {
      ids.add(createSubscriber("member" + i + "@example.com"));
    }
    Eventually.within(
        Duration.ofSeconds(15),
        () ->
            assertThat(
                    api.get("/api/v1/lists/" + listId + "/subscribers?limit=1000", key)
                        .body()
                        .get("items"))
                .hasSize(25));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String path =
          "/api/v1/lists/"
              + listId
              + "/subscribers?limit=10"
              + (cursor == null ? "" : "&cursor=" + cursor);
      Reply page = api.get(path, key);
      assertThat(page.status()).isEqualTo(200);
      page.body().get("items").forEach(n -> seen.add(n.get("id").asText()));
      cursor =
          page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
      if (pages == 0) {
        createSubscriber("late@example.com");
      }
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(ids);
    assertThat(seen).isSorted();
    assertThat(api.get("/api/v1/lists/" + listId + "/subscribers?limit=0", key).errorCode())
        .isEqualTo("invalid_limit");
    assertThat(api.get("/api/v1/lists/" + listId + "/subscribers?cursor=bm9wZQ", key).status())
        .isEqualTo(400);
  }

  @Test
  void erasureRemovesThePersonEverywhere() {
    String id = createSubscriber("forget@example.com");
    Eventually.within(
        Duration.ofSeconds(15),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().toString())
                .contains("forget@example.com"));

    assertThat(api.delete("/api/v1/subscribers/" + id, key).status()).isEqualTo(204);

    assertThat(api.get("/api/v1/subscribers/" + id, key).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/subscribers/" + id, key).status()).isEqualTo(404);
    Eventually.within(
        Duration.ofSeconds(15),
        () ->
            assertThat(api.get("/api/v1/lists/" + listId + "/subscribers", key).body().toString())
                .doesNotContain("forget@example.com"));
  }

  @Test
  void unknownPathsAndMethodsAnswerJson() {
    Reply missing = api.get("/api/v1/nothing-here", key);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    Reply method = api.delete("/api/v1/lists", key);
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.errorCode()).isEqualTo("method_not_allowed");
    assertThat(api.get("/api/v1/subscribers/not-an-id", key).status()).isEqualTo(404);
  }
}
