package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OAuth token endpoint of service-account keys: verifies the JWT the Google auth library signs with the key
 * (RS256, issuer = client_email, kid = private_key_id) against the registered public keys, and issues bearer
 * tokens that the API can be told to require.
 */
final class TokenService {
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final long LIFETIME_SECONDS = 3600;

  private final Clock clock;
  private final Map<String, Map<String, PublicKey>> keysByEmail = new ConcurrentHashMap<>();
  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

  record Issued(String email, long expiresAtMillis) {}

  /** An OAuth error answer: HTTP 400 with {"error": code, "error_description": ...}. */
  static final class OAuthError extends RuntimeException {
    final String code;

    OAuthError(String code, String description) {
      super(description);
      this.code = code;
    }

    ObjectNode body() {
      return Json.object().put("error", code).put("error_description", getMessage());
    }
  }

  TokenService(Clock clock) {
    this.clock = clock;
  }

  void register(String clientEmail, String keyId, PublicKey key) {
    keysByEmail.computeIfAbsent(clientEmail, e -> new ConcurrentHashMap<>()).put(keyId, key);
  }

  /** Deletes a key, as deleting it in the Cloud console does; its tokens stop working too. */
  void revoke(String clientEmail, String keyId) {
    Map<String, PublicKey> keys = keysByEmail.get(clientEmail);
    if (keys != null) {
      keys.remove(keyId);
    }
    tokens.values().removeIf(t -> t.email.equals(clientEmail));
  }

  ObjectNode exchange(String formBody) {
    Map<String, String> form = parseForm(formBody);
    if (!JWT_BEARER.equals(form.get("grant_type"))) {
      throw new OAuthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
    }
    String assertion = form.get("assertion");
    String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
    if (parts.length != 3) {
      throw new OAuthError("invalid_request", "Invalid JWT: the assertion is not a signed JWT.");
    }
    JsonNode header = decode(parts[0]);
    JsonNode claims = decode(parts[1]);
    String email = Json.text(claims, "iss");
    Map<String, PublicKey> keys = email == null ? null : keysByEmail.get(email);
    PublicKey key = keys == null ? null : keys.get(String.valueOf(Json.text(header, "kid")));
    if (key == null) {
      throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    }
    if (!verify(parts[0] + "." + parts[1], parts[2], key)) {
      throw new OAuthError("invalid_grant", "Invalid JWT Signature.");
    }
    long nowSeconds = clock.millis() / 1000;
    if (claims.path("exp").asLong(0) < nowSeconds - 300 || claims.path("iat").asLong(0) > nowSeconds + 300) {
      throw new OAuthError("invalid_grant",
          "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
              + "Check your iat and exp values in the JWT claim.");
    }
    String token = "ya29.emulator-" + UUID.randomUUID();
    tokens.put(token, new Issued(email, clock.millis() + LIFETIME_SECONDS * 1000));
    return Json.object().put("access_token", token).put("expires_in", LIFETIME_SECONDS)
        .put("token_type", "Bearer");
  }

  /** A token issued by another authority (a metadata server), valid for the usual lifetime. */
  void accept(String token, String email) {
    tokens.put(token, new Issued(email, clock.millis() + LIFETIME_SECONDS * 1000));
  }

  /** The service account an unexpired issued token belongs to, or null. */
  String emailOf(String bearerToken) {
    Issued issued = bearerToken == null ? null : tokens.get(bearerToken);
    return issued == null || issued.expiresAtMillis <= clock.millis() ? null : issued.email;
  }

  private static boolean verify(String signedPart, String signature, PublicKey key) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signedPart.getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonNode decode(String part) {
    try {
      return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(part));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new OAuthError("invalid_request", "Invalid JWT: the assertion is not valid base64url JSON.");
    }
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }
}
