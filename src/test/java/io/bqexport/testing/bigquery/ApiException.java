package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error answered in BigQuery's JSON error shape, with the HTTP status real BigQuery uses for it. */
final class ApiException extends RuntimeException {
  final int status;
  final String reason;

  ApiException(int status, String reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  static ApiException invalid(String message) {
    return new ApiException(400, "invalid", message);
  }

  static ApiException invalidQuery(String message) {
    return new ApiException(400, "invalidQuery", message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, "notFound", "Not found: " + message);
  }

  static ApiException duplicate(String message) {
    return new ApiException(409, "duplicate", "Already Exists: " + message);
  }

  /** The {"reason","message"} object used in job status errorResult and errors[]. */
  ObjectNode errorProto() {
    ObjectNode e = Json.object();
    e.put("reason", reason);
    e.put("message", getMessage());
    return e;
  }

  /** The full {"error": {...}} body of an HTTP error answer. */
  ObjectNode body() {
    return errorBody(status, reason, getMessage());
  }

  static ObjectNode errorBody(int status, String reason, String message) {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("code", status);
    error.put("message", message);
    ObjectNode item = error.putArray("errors").addObject();
    item.put("message", message);
    item.put("domain", "global");
    item.put("reason", reason);
    error.put("status", statusName(status));
    return root;
  }

  private static String statusName(int status) {
    switch (status) {
      case 400: return "INVALID_ARGUMENT";
      case 401: return "UNAUTHENTICATED";
      case 403: return "PERMISSION_DENIED";
      case 404: return "NOT_FOUND";
      case 409: return "ALREADY_EXISTS";
      case 429: return "RESOURCE_EXHAUSTED";
      case 503: return "UNAVAILABLE";
      default: return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
  }
}
