package io.herald.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where results and failures become HTTP responses. Every error body has the shape
 * {@code {"error":{"code","message"}}}; an entity that does not answer in time becomes 503 with
 * {@code Retry-After}.
 */
public final class Responses {

  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private final ObjectMapper mapper;

  /** Responses written with this mapper. */
  public Responses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A JSON response with the given status. */
  public HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response body cannot be written as JSON", e);
    }
  }

  /** The response for an API error. */
  public HttpResponse error(ApiError error) {
    HttpResponse response = json(error.status(), errorBody(error.code(), error.getMessage()));
    if (error.status().intValue() == 401) {
      response = response.addHeader(RawHeader.create("WWW-Authenticate", "Bearer"));
    }
    return response;
  }

  /** The response for any failure of a request's processing. */
  public HttpResponse failure(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ApiError apiError) {
      return error(apiError);
    }
    if (cause instanceof AskTimeoutException || cause instanceof TimeoutException) {
      return json(
              StatusCodes.SERVICE_UNAVAILABLE,
              errorBody("unavailable", "the cluster did not answer in time; try again shortly"))
          .addHeader(RawHeader.create("Retry-After", "1"));
    }
    log.error("Request failed unexpectedly", cause);
    return json(
        StatusCodes.INTERNAL_SERVER_ERROR,
        errorBody("internal_error", "the request failed unexpectedly; it has been logged"));
  }

  /** The JSON body of an error. */
  public static Map<String, Object> errorBody(String code, String message) {
    var inner = new LinkedHashMap<String, Object>();
    inner.put("code", code);
    inner.put("message", message);
    return Map.of("error", inner);
  }

  /** The cause behind the wrappers that futures add. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
