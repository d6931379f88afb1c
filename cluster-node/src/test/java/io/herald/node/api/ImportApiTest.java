package io.herald.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.node.Eventually;
import io.herald.node.TestNodes;
import io.herald.node.api.Api.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address-book imports through HTTP, on one node over H2. */
class ImportApiTest extends OneNodeApiTest {

  private static final String XLSX =
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  private Reply upload(String query, String contentType, byte[] body) {
    return api.post("/api/v1/lists/" + listId + "/imports" + query, key, contentType, body);
  }

  private JsonNode finished(String importId) {
    JsonNode[] last = new JsonNode[1];
    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          Reply status = api.get("/api/v1/imports/" + importId, key);
          assertThat(status.status()).isEqualTo(200);
          assertThat(status.body().get("status").asText()).isNotEqualTo("running");
          last[0] = status.body();
        });
    return last[0];
  }

  private List<JsonNode> members() {
    var out = new ArrayList<JsonNode>();
    String cursor = "";
    do {
      Reply page =
          api.get("/api/v1/lists/" + listId + "/subscribers?limit=1000&cursor=" + cursor, key);
      page.body().get("items").forEach(out::add);
      cursor = page.body().path("nextCursor").asText("");
    } while (!cursor.isEmpty() && !cursor.equals("null"));
    return out;
  }

  @Test
  void errorsCsvNeutralisesCellsASpreadsheetWouldRun() {
    String csv =
        "email,name\n=HYPERLINK(\"http://evil.example\"),X\n@SUM(A1),Y\nok@example.com,Z\n";
    Reply started = upload("", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
    String id = started.body().get("id").asText();
    assertThat(finished(id).get("rowsRejected").asLong()).isEqualTo(2);

    var errors = api.getText("/api/v1/imports/" + id + "/errors.csv", key);

    assertThat(errors.body().split("\r\n"))
        .hasSize(3)
        .anySatisfy(line -> assertThat(line).startsWith("2,\"'=HYPERLINK("))
        .anySatisfy(line -> assertThat(line).startsWith("3,'@SUM(A1),"));
  }

  @Test
  void aCsvImportRunsEndToEnd() {
    String csv =
        "Email Address;Name;City;Score\n"
            + "ann@example.com;Ann;Paris;7\n"
            + "not-an-address;Bob;Oslo;3\n"
            + "cy@example.com;Cy;\"Rome\nCentro\";\n"
            + "ann@example.com;Ann B;Lyon;8\n"
            + "dee@example.com;Dee\n";
    Reply started = upload("", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
    assertThat(started.body().get("status").asText()).isEqualTo("running");
    assertThat(started.body().get("listId").asText()).isEqualTo(listId);
    String id = started.body().get("id").asText();

    JsonNode done = finished(id);
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("mode").asText()).isEqualTo("subscribe");
    assertThat(done.get("rowsTotal").asLong()).isEqualTo(5);
    assertThat(done.get("rowsImported").asLong()).isEqualTo(3);
    assertThat(done.get("rowsRejected").asLong()).isEqualTo(2);
    assertThat(done.get("errors")).hasSize(2);
    assertThat(done.get("errors").get(0).get("row").asLong()).isEqualTo(3);
    assertThat(done.get("errors").get(0).get("reason").asText()).contains("invalid email");
    assertThat(done.get("errors").get(1).get("row").asLong()).isEqualTo(7);
    assertThat(done.get("errors").get(1).get("reason").asText()).contains("cells");
    assertThat(done.has("finishedAt")).isTrue();
    assertThat(done.has("failure")).isFalse();

    var errors = api.getText("/api/v1/imports/" + id + "/errors.csv", key);
    assertThat(errors.statusCode()).isEqualTo(200);
    assertThat(errors.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(errors.body().split("\r\n"))
        .hasSize(3)
        .startsWith("row,email,reason")
        .anySatisfy(line -> assertThat(line).startsWith("3,not-an-address,"));

    Eventually.within(
        Duration.ofSeconds(15),
        () -> {
          var members = members();
          assertThat(members)
              .extracting(m -> m.get("email").asText())
              .containsExactlyInAnyOrder("ann@example.com", "cy@example.com");
          JsonNode ann =
              members.stream()
                  .filter(m -> m.get("email").asText().equals("ann@example.com"))
                  .findFirst()
                  .orElseThrow();
          assertThat(ann.get("name").asText()).isEqualTo("Ann B");
          assertThat(ann.get("attributes").get("City").asText()).isEqualTo("Lyon");
        });
  }

  @Test
  void aMultipartUploadIsImported() {
    String boundary = "----herald-test-boundary";
    var body = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            + "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    body.writeBytes("email,name\nmp1@example.com,One\nmp2@example.com,Two\n".getBytes());
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    Reply started = upload("", "multipart/form-data; boundary=" + boundary, body.toByteArray());
    assertThat(started.status()).as(started.body().toString()).isEqualTo(202);

    JsonNode done = finished(started.body().get("id").asText());
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("rowsImported").asLong()).isEqualTo(2);
    Eventually.within(Duration.ofSeconds(15), () -> assertThat(members()).hasSize(2));
  }

  @Test
  void updateChangesOnlyKnownAddressesAndBlocklistSuppresses() {
    var first = upload("", "text/csv", "email,plan\nknown@example.com,free\n".getBytes());
    assertThat(finished(first.body().get("id").asText()).get("rowsImported").asLong()).isEqualTo(1);

    var update =
        upload(
            "?mode=update",
            "text/csv",
            "email,plan\nknown@example.com,pro\nstranger@example.com,pro\n".getBytes());
    JsonNode updated = finished(update.body().get("id").asText());
    assertThat(updated.get("mode").asText()).isEqualTo("update");
    assertThat(updated.get("rowsImported").asLong()).isEqualTo(1);
    assertThat(updated.get("rowsRejected").asLong()).isEqualTo(1);
    assertThat(updated.get("errors").get(0).get("row").asLong()).isEqualTo(3);

    var block = upload("?mode=blocklist", "text/csv", "email\nknown@example.com\n".getBytes());
    assertThat(finished(block.body().get("id").asText()).get("rowsImported").asLong()).isEqualTo(1);

    Eventually.within(
        Duration.ofSeconds(15),
        () -> {
          var members = members();
          assertThat(members).hasSize(1);
          assertThat(members.get(0).get("attributes").get("plan").asText()).isEqualTo("pro");
          assertThat(members.get(0).get("status").asText()).isEqualTo("blocklisted");
        });
  }

  @Test
  void badUploadsAreRefusedAtOnceWithAReason() {
    Reply empty = upload("", "text/csv", new byte[0]);
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.body().path("error").path("message").asText()).contains("empty");

    Reply noEmail = upload("", "text/csv", "name,city\nAnn,Paris\n".getBytes());
    assertThat(noEmail.status()).isEqualTo(422);
    assertThat(noEmail.body().path("error").path("message").asText()).contains("no email column");

    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    Reply pngAsCsv = upload("", "text/csv", png);
    assertThat(pngAsCsv.status()).isEqualTo(415);
    assertThat(pngAsCsv.body().path("error").path("message").asText()).contains("PNG");
    Reply pngAsXlsx = upload("", XLSX, png);
    assertThat(pngAsXlsx.status()).isEqualTo(415);

    Reply json = upload("", "application/json", "{}".getBytes());
    assertThat(json.status()).isEqualTo(415);
    assertThat(json.errorCode()).isEqualTo("unsupported_media_type");

    Reply mode = upload("?mode=replace", "text/csv", "email\na@example.com\n".getBytes());
    assertThat(mode.status()).isEqualTo(422);
    assertThat(mode.errorCode()).isEqualTo("invalid_mode");

    Reply noList =
        api.post(
            "/api/v1/lists/lst_nosuchlist0000000/imports", key, "text/csv", "email\n".getBytes());
    assertThat(noList.status()).isEqualTo(404);
  }

  @Test
  void anotherAccountsImportIsNotFound() {
    var started = upload("", "text/csv", "email\nmine@example.com\n".getBytes());
    String id = started.body().get("id").asText();
    finished(id);
    String other = api.openAccount(TestNodes.OPERATOR_TOKEN, "Other");

    Reply foreign = api.get("/api/v1/imports/" + id, other);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.errorCode()).isEqualTo("not_found");
    assertThat(api.getText("/api/v1/imports/" + id + "/errors.csv", other).statusCode())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/imports/imp_aaaaaaaaaaaaaaaa", key).status()).isEqualTo(404);
  }
}
