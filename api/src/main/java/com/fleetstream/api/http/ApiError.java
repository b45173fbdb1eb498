package com.fleetstream.api.http;

/**
 * A request the API refuses, answered as {@code {"error": code, "message": ..., "parameter": ...}}
 * with its status: 400 names the bad parameter, 401 a missing or bad token, 404 what is unknown.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final String parameter;

  public ApiError(int status, String code, String message, String parameter) {
    super(message);
    this.status = status;
    this.code = code;
    this.parameter = parameter;
  }

  public static ApiError badParameter(String parameter, String message) {
    return new ApiError(400, "bad_parameter", parameter + ": " + message, parameter);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message, null);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** @return the query parameter, path segment or body field at fault, or null */
  public String parameter() {
    return parameter;
  }
}
