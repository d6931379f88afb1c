package io.herald.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the API under test. */
public final class Api {

  /** A response: status and parsed JSON body (MissingNode when empty). */
  public record Reply(int status, JsonNode body, HttpResponse<byte[]> raw) {

    /** The error code of an error body. */
    public String errorCode() {
      return body.path("error").path("code").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** A client of the node listening at the address. */
  public Api(InetSocketAddress address) {
    this.base = "http://127.0.0.1:" + address.getPort();
  }

  /** A GET with a bearer token (null for none). */
  public Reply get(String path, String token) {
    return send(builder(path, token).GET());
  }

  /** A DELETE with a bearer token. */
  public Reply delete(String path, String token) {
    return send(builder(path, token).DELETE());
  }

  /** A PUT of a JSON text. */
  public Reply put(String path, String token, String json) {
    return send(
        builder(path, token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST of a JSON text. */
  public Reply post(String path, String token, String json) {
    return post(
        path, token, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A POST of raw bytes with a content type. */
  public Reply post(String path, String token, String contentType, byte[] body) {
    return send(
        builder(path, token)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A GET whose body is text (CSV, say), not JSON. */
  public HttpResponse<String> getText(String path, String token) {
    try {
      return client.send(builder(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder builder(String path, String token) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body =
          response.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens an account with the operator token and returns its API key. */
  public String openAccount(String operatorToken, String name) {
    Reply reply = post("/api/v1/accounts", operatorToken, "{\"name\":\"" + name + "\"}");
    if (reply.status() != 201) {
      throw new IllegalStateException(
          "account not created: " + reply.status() + " " + reply.body());
    }
    return reply.body().get("apiKey").asText();
  }

  /** Creates a list and returns its id. */
  public String createList(String apiKey, String name) {
    Reply reply = post("/api/v1/lists", apiKey, "{\"name\":\"" + name + "\"}");
    if (reply.status() != 201) {
      throw new IllegalStateException("list not created: " + reply.status() + " " + reply.body());
    }
    return reply.body().get("id").asText();
  }
}
