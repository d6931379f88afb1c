package io.herald.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Directives shared by the resource routes: reading a bounded, strictly parsed JSON body and
 * completing with a future whose failures become error responses.
 */
public abstract class RouteSupport extends AllDirectives {

  /** The mapper for request and response bodies. */
  protected final ObjectMapper mapper;

  /** Where responses and errors are made. */
  protected final Responses responses;

  /** Limits and timeouts. */
  protected final GatewaySettings settings;

  /** Shares the gateway's mapper, responses and settings. */
  protected RouteSupport(ObjectMapper mapper, Responses responses, GatewaySettings settings) {
    this.mapper = mapper;
    this.responses = responses;
    this.settings = settings;
  }

  /** Completes with the response the handler produces, mapping any failure to an error body. */
  protected Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    CompletionStage<HttpResponse> result;
    try {
      result = handler.get();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return completeWithFuture(result.exceptionally(responses::failure));
  }

  /**
   * Reads the request body as a JSON object with the given fields and hands it to the handler.
   * Refuses with 415 a body that is not {@code application/json} in UTF-8, and with 413 one over
   * the configured limit.
   */
  protected Route jsonBody(
      Set<String> fields, Function<JsonBody, CompletionStage<HttpResponse>> handler) {
    return extractRequestEntity(
        entity -> {
          var contentType = entity.getContentType();
          if (!contentType.mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return complete(
                responses.error(
                    new ApiError(
                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "the body must be application/json, not " + contentType.mediaType())));
          }
          Optional<org.apache.pekko.http.javadsl.model.HttpCharset> charset =
              contentType.getCharsetOption();
          if (charset.isPresent() && !charset.get().equals(HttpCharsets.UTF_8)) {
            return complete(
                responses.error(
                    new ApiError(
                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_charset",
                        "the body must be UTF-8, not " + charset.get().value())));
          }
          return extractMaterializer(
              materializer ->
                  respond(
                      () ->
                          entity
                              .withSizeLimit(settings.maxBodyBytes())
                              .toStrict(settings.askTimeout().toMillis(), materializer)
                              .exceptionally(
                                  failure -> {
                                    throw tooLargeOr(failure);
                                  })
                              .thenCompose(
                                  strict ->
                                      handler.apply(
                                          JsonBody.parse(
                                              mapper, strict.getData().toArray(), fields)))));
        });
  }

  private RuntimeException tooLargeOr(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof EntityStreamSizeException) {
        return new ApiError(
            StatusCodes.PAYLOAD_TOO_LARGE,
            "body_too_large",
            "the request body is larger than " + settings.maxBodyBytes() + " bytes");
      }
      t = t.getCause();
    }
    return failure instanceof RuntimeException r ? r : new RuntimeException(failure);
  }

  /** Refuses names that are blank, too long or hold control characters. */
  protected String validName(String field, String name) {
    if (name.length() > settings.maxNameLength()) {
      throw ApiError.unprocessable(
          "invalid_" + field,
          "field '" + field + "' is longer than " + settings.maxNameLength() + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw ApiError.unprocessable(
            "invalid_" + field, "field '" + field + "' contains a control character or line break");
      }
    }
    return name.strip();
  }
}
