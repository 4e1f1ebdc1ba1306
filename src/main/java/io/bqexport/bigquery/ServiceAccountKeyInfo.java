package io.bqexport.bigquery;

import io.bqexport.Hashes;
import io.bqexport.api.v1alpha1.Reasons;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-secret facts of a Google service-account key file, checked for the shape Google Cloud downloads. Parse
 * errors never quote the file: it holds a private key.
 */
public record ServiceAccountKeyInfo(String clientEmail, String projectId, String fingerprint) {

  /** The PEM label of a PKCS#8 private key, as Google writes it into key files. */
  private static final String PEM_KEY_LABEL = "PRIVATE KEY-----";
  static final List<String> REQUIRED = List.of("type", "project_id", "private_key_id", "private_key", "client_email");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a key file was rejected: a condition reason and a message that names the fix. */
  public static final class InvalidKeyException extends Exception {
    private final String reason;

    InvalidKeyException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** @param where names the key for messages, e.g. "Secret bq-writer, key service-account.json" */
  public static ServiceAccountKeyInfo parse(byte[] keyFile, String where) throws InvalidKeyException {
    JsonNode key;
    try {
      key = JSON.readTree(new String(keyFile, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new InvalidKeyException(Reasons.INVALID_KEY_JSON, where + " is not valid JSON" + position
          + ". Put the key file exactly as downloaded from Google Cloud (IAM > Service accounts > Keys > Add key >"
          + " JSON) into the Secret, e.g. kubectl create secret generic NAME --from-file=service-account.json=KEY.json");
    }
    if (key == null || !key.isObject()) {
      throw new InvalidKeyException(Reasons.INVALID_KEY_JSON, where + " is JSON but not an object; expected a service-account"
          + " key file as downloaded from Google Cloud");
    }
    String type = key.path("type").asText("");
    if (!type.isEmpty() && !type.equals("service_account")) {
      throw new InvalidKeyException(Reasons.KEY_NOT_SERVICE_ACCOUNT, where + " has type '" + type + "'; bqexport needs a"
          + " service-account key (type service_account), not user or workload-identity credentials");
    }
    List<String> missing = new ArrayList<>();
    for (String field : REQUIRED) {
      if (key.path(field).asText("").isBlank()) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidKeyException(Reasons.KEY_MISSING_FIELD, where + " lacks " + String.join(", ", missing)
          + "; download a new JSON key for the service account and replace the Secret's value");
    }
    String pem = key.path("private_key").asText();
    if (!pem.contains("-----BEGIN ") || !pem.contains(PEM_KEY_LABEL)) {
      throw new InvalidKeyException(Reasons.KEY_MISSING_FIELD, where + ": private_key is not a PEM private key; download a"
          + " new JSON key for the service account and replace the Secret's value");
    }
    return new ServiceAccountKeyInfo(key.path("client_email").asText(), key.path("project_id").asText(),
        "sha256:" + Hashes.sha256Hex(key.path("private_key_id").asText(), 16));
  }
}
