package io.herald.gateway;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A problem to report to an API client: an HTTP status, a stable machine-readable code and a
 * sentence naming what is wrong. Thrown or returned anywhere in the gateway; {@link Responses}
 * turns it into {@code {"error":{"code","message"}}}.
 */
public final class ApiError extends RuntimeException {

  private final transient StatusCode status;
  private final String code;

  /** An error with the given status, code and message. */
  public ApiError(StatusCode status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status. */
  public StatusCode status() {
    return status;
  }

  /** The machine-readable code, such as {@code invalid_email}. */
  public String code() {
    return code;
  }

  /** 400: the request cannot be read at all. */
  public static ApiError badRequest(String code, String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, code, message);
  }

  /** 422: the request is well formed but its content is not acceptable. */
  public static ApiError unprocessable(String code, String message) {
    return new ApiError(StatusCodes.UNPROCESSABLE_ENTITY, code, message);
  }

  /** 404: no such resource in the caller's account. */
  public static ApiError notFound(String what) {
    return new ApiError(StatusCodes.NOT_FOUND, "not_found", what + " was not found");
  }

  /** 409: the request conflicts with what is stored. */
  public static ApiError conflict(String code, String message) {
    return new ApiError(StatusCodes.CONFLICT, code, message);
  }

  /** 401: no credentials, or credentials that open nothing. */
  public static ApiError unauthorized(String message) {
    return new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", message);
  }
}
