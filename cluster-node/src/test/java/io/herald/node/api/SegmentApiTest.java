package io.herald.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.herald.node.Eventually;
import io.herald.node.TestNodes;
import io.herald.node.api.Api.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Segments through HTTP: saved filters, counts, members, exports and campaigns sent to them. */
class SegmentApiTest extends OneNodeApiTest {

  private void subscribe(String email, String name, String attributes) {
    Reply reply =
        api.post(
            "/api/v1/subscribers",
            key,
            "{\"email\":\""
                + email
                + "\",\"name\":\""
                + name
                + "\",\"attributes\":"
                + attributes
                + ",\"lists\":[\""
                + listId
                + "\"]}");
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
  }

  private String createSegment(String name, String filter) {
    Reply reply =
        api.post(
            "/api/v1/segments",
            key,
            "{\"name\":\"" + name + "\",\"filter\":" + filter.replace('\'', '"') + "}");
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    return reply.body().get("id").asText();
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

  @Test
  void aSegmentIsSavedCountedAndPagedLikeAList() {
    for (int i = 0; i < 5; i++) {
      subscribe("p" + i + "@example.com", "P" + i, "{\"plan\":\"pro\",\"seats\":" + i + "}");
    }
    subscribe("free@example.com", "Free", "{\"plan\":\"free\"}");
    awaitMembers(6);

    String id =
        createSegment(
            "Big pros",
            "{'and':[{'attribute':'plan','op':'eq','value':'pro'},"
                + "{'attribute':'seats','op':'gte','value':1}]}");
    Reply one = api.get("/api/v1/segments/" + id, key);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().get("name").asText()).isEqualTo("Big pros");
    assertThat(one.body().at("/filter/and/1/op").asText()).isEqualTo("gte");
    assertThat(one.body().has("createdAt")).isTrue();
    assertThat(api.get("/api/v1/segments", key).body().get("items")).hasSize(1);

    Reply count = api.get("/api/v1/segments/" + id + "/count", key);
    assertThat(count.status()).isEqualTo(200);
    assertThat(count.body().get("count").asLong()).isEqualTo(4);

    var emails = new ArrayList<String>();
    String cursor = "";
    int pages = 0;
    do {
      Reply page = api.get("/api/v1/segments/" + id + "/subscribers?limit=3&cursor=" + cursor, key);
      assertThat(page.status()).isEqualTo(200);
      page.body().get("items").forEach(s -> emails.add(s.get("email").asText()));
      assertThat(page.body().at("/items/0/lists/0/status").asText()).isEqualTo("subscribed");
      cursor =
          page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(2);
    assertThat(emails)
        .containsExactlyInAnyOrder(
            "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com");

    Reply replaced =
        api.put(
            "/api/v1/segments/" + id,
            key,
            "{\"name\":\"Free\",\"filter\":{\"attribute\":\"plan\",\"op\":\"eq\",\"value\":\"free\"}}");
    assertThat(replaced.status()).as(replaced.body().toString()).isEqualTo(200);
    assertThat(api.get("/api/v1/segments/" + id + "/count", key).body().get("count").asLong())
        .isEqualTo(1);

    assertThat(api.delete("/api/v1/segments/" + id, key).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/segments/" + id, key).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/segments/" + id + "/count", key).status()).isEqualTo(404);
  }

  @Test
  void badFiltersAndOtherAccountsSegmentsAreRefused() {
    Reply bad =
        api.post(
            "/api/v1/segments",
            key,
            "{\"name\":\"x\",\"filter\":{\"and\":[{\"field\":\"email\",\"op\":\"eq\",\"value\":\"a\"},"
                + "{\"field\":\"email\",\"op\":\"like\",\"value\":\"a\"}]}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.errorCode()).isEqualTo("invalid_filter");
    assertThat(bad.body().at("/error/message").asText())
        .isEqualTo("filter.and[1].op: unknown operator 'like'");

    Reply unknownList =
        api.post("/api/v1/segments", key, "{\"name\":\"x\",\"filter\":{\"list\":\"lst_nope\"}}");
    assertThat(unknownList.status()).isEqualTo(422);
    assertThat(unknownList.body().at("/error/message").asText())
        .isEqualTo("filter.list: list lst_nope does not exist in this account");

    Reply noFilter = api.post("/api/v1/segments", key, "{\"name\":\"x\"}");
    assertThat(noFilter.status()).isEqualTo(422);
    Reply unknownField = api.post("/api/v1/segments", key, "{\"name\":\"x\",\"sql\":\"1=1\"}");
    assertThat(unknownField.status()).isEqualTo(400);

    String id = createSegment("Mine", "{'list':'" + listId + "'}");
    String other = api.openAccount(TestNodes.OPERATOR_TOKEN, "Globex");
    for (String path : List.of("", "/count", "/subscribers", "/export")) {
      Reply foreign = api.get("/api/v1/segments/" + id + path, other);
      assertThat(foreign.status()).as(path).isEqualTo(404);
      assertThat(foreign.errorCode()).as(path).isEqualTo("not_found");
    }
    assertThat(api.delete("/api/v1/segments/" + id, other).status()).isEqualTo(404);
    assertThat(
            api.put("/api/v1/segments/" + id, other, "{\"name\":\"x\",\"filter\":{\"list\":\"l\"}}")
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/lists/" + listId + "/export", other).status()).isEqualTo(404);
  }

  @Test
  void exportsAreCsvWithAttributeColumnsAndNeutralisedFormulas() throws Exception {
    subscribe("ann@example.com", "=HYPERLINK(\\\"x\\\")", "{\"city\":\"Oslo, Norway\",\"n\":-5}");
    subscribe("bo@example.com", "Bo", "{\"tags\":[\"a\",\"b\"],\"city\":\"@home\"}");
    awaitMembers(2);

    HttpResponse<String> list = download("/api/v1/lists/" + listId + "/export");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Content-Type")).hasValue("text/csv; charset=UTF-8");
    assertThat(list.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    List<CsvRecord> rows = parse(list.body());
    assertThat(rows.get(0).getFields())
        .containsExactly("email", "name", "status", "created_at", "city", "n", "tags");
    CsvRecord ann =
        rows.stream()
            .filter(r -> r.getField(0).equals("ann@example.com"))
            .findFirst()
            .orElseThrow();
    assertThat(ann.getField(1)).isEqualTo("'=HYPERLINK(\"x\")");
    assertThat(ann.getField(2)).isEqualTo("active");
    assertThat(ann.getField(4)).isEqualTo("Oslo, Norway");
    assertThat(ann.getField(5)).isEqualTo("'-5");
    assertThat(ann.getField(6)).isEmpty();
    CsvRecord bo =
        rows.stream().filter(r -> r.getField(0).equals("bo@example.com")).findFirst().orElseThrow();
    assertThat(bo.getField(4)).isEqualTo("'@home");
    assertThat(bo.getField(6)).isEqualTo("[\"a\",\"b\"]");
    assertThat(rows).hasSize(3);

    String id = createSegment("Bo", "{'attribute':'tags','op':'exists'}");
    List<CsvRecord> segment = parse(download("/api/v1/segments/" + id + "/export").body());
    assertThat(segment.get(0).getFields())
        .containsExactly("email", "name", "status", "created_at", "city", "tags");
    assertThat(segment).hasSize(2);
    assertThat(segment.get(1).getField(0)).isEqualTo("bo@example.com");
  }

  @Test
  void aCampaignSentToASegmentReachesExactlyItsCount() {
    for (int i = 0; i < 7; i++) {
      subscribe("s" + i + "@example.com", "S" + i, "{\"score\":" + i + "}");
    }
    awaitMembers(7);
    String segment = createSegment("High", "{'attribute':'score','op':'gt','value':2}");
    long count =
        api.get("/api/v1/segments/" + segment + "/count", key).body().get("count").asLong();
    assertThat(count).isEqualTo(4);

    String body =
        "{\"name\":\"Seg\",\"subject\":\"Hi {{name}}\",\"fromEmail\":\"news@acme.example\","
            + "\"html\":\"<p>Hi</p>\",\"segments\":[\""
            + segment
            + "\"]}";
    Reply created = api.post("/api/v1/campaigns", key, body);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    assertThat(created.body().at("/segments/0").asText()).isEqualTo(segment);
    String id = created.body().get("id").asText();
    assertThat(api.post("/api/v1/campaigns/" + id + "/send", key, "").status()).isEqualTo(202);
    // Editing the segment after sending does not change the campaign's question.
    api.put(
        "/api/v1/segments/" + segment,
        key,
        "{\"name\":\"All\",\"filter\":{\"attribute\":\"score\",\"op\":\"exists\"}}");

    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          Reply done = api.get("/api/v1/campaigns/" + id, key);
          assertThat(done.body().get("status").asText()).isEqualTo("completed");
          assertThat(done.body().at("/stats/recipients").longValue()).isEqualTo(count);
          assertThat(done.body().at("/stats/sent").longValue()).isEqualTo(count);
        });

    Reply unknown =
        api.post("/api/v1/campaigns", key, body.replace(segment, "seg_aaaaaaaaaaaaaaaa"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.errorCode()).isEqualTo("unknown_segment");
    Reply none = api.post("/api/v1/campaigns", key, body.replace("\"" + segment + "\"", ""));
    assertThat(none.status()).isEqualTo(422);
  }

  private HttpResponse<String> download(String path) throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path))
            .header("Authorization", "Bearer " + key)
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static List<CsvRecord> parse(String csv) {
    var rows = new ArrayList<CsvRecord>();
    CsvReader.builder().ofCsvRecord(csv).forEach(rows::add);
    return rows;
  }
}
