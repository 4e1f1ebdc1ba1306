package io.bqexport.testing.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * GCS's JSON API error bodies: {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}, as
 * documented in https://cloud.google.com/storage/docs/json_api/v1/status-codes.
 */
final class StorageErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StorageErrors() {
  }

  /** An error answer: HTTP status plus body. */
  record Error(int status, String reason, String message) {
    String body() {
      ObjectNode detail = JSON.createObjectNode().put("domain", "global").put("reason", reason)
          .put("message", message);
      ObjectNode error = JSON.createObjectNode().put("code", status).put("message", message);
      error.putArray("errors").add(detail);
      return JSON.createObjectNode().set("error", error).toString();
    }
  }

  static Error noSuchBucket() {
    return new Error(404, "notFound", "The specified bucket does not exist.");
  }

  static Error noSuchObject(String bucket, String name) {
    return new Error(404, "notFound", "No such object: " + bucket + "/" + name);
  }

  /** 403 in GCS's words, e.g. "x does not have storage.objects.get access to the Google Cloud Storage object." */
  static Error permissionDenied(String principal, StorageOperation operation) {
    String resource = operation == StorageOperation.LIST ? "bucket" : "object";
    return new Error(403, "forbidden", principal + " does not have " + operation.permission()
        + " access to the Google Cloud Storage " + resource + ". Permission '" + operation.permission()
        + "' denied on resource (or it may not exist).");
  }

  static Error loginRequired() {
    return new Error(401, "required", "Login Required");
  }

  static Error invalidCredentials() {
    return new Error(401, "authError", "Invalid Credentials");
  }

  static Error injected(int status) {
    String reason = status == 429 ? "rateLimitExceeded" : status >= 500 ? "backendError" : "invalid";
    return new Error(status, reason, "stand-in: injected HTTP " + status);
  }

  static Error badRequest(String message) {
    return new Error(400, "invalid", message);
  }

  static Error rangeNotSatisfiable() {
    return new Error(416, "requestedRangeNotSatisfiable", "Request range not satisfiable");
  }

  static Error preconditionFailed() {
    return new Error(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
  }
}
