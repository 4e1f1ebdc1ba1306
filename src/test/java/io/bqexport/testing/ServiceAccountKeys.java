package io.bqexport.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Service-account key files for tests, made at run time (no private key is ever committed). Each key's token_uri
 * points at a {@link BigQueryEmulator}, which verifies the JWTs the Google auth library signs with it.
 *
 * <pre>{@code
 * ServiceAccountKeys.Key key = ServiceAccountKeys.create(emulator, "acme-analytics", "writer");
 * GoogleCredentials credentials = ServiceAccountCredentials.fromStream(key.inputStream());
 * }</pre>
 */
public final class ServiceAccountKeys {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicReferenceArray<KeyPair> POOL = new AtomicReferenceArray<>(2);
  private static final AtomicInteger NEXT = new AtomicInteger();

  private ServiceAccountKeys() {}

  /** A generated key: its JSON as Google Cloud hands it out, and the parts tests may need. */
  public record Key(String json, String clientEmail, String privateKeyId, KeyPair keyPair) {
    public InputStream inputStream() {
      return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
      return json.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A new key for {@code <account>@<projectId>.iam.gserviceaccount.com}, registered with the emulator. */
  public static Key create(BigQueryEmulator emulator, String projectId, String account) {
    Key key = unregistered(emulator.tokenUri(), projectId, account);
    emulator.registerServiceAccountKey(key.clientEmail(), key.privateKeyId(), key.keyPair().getPublic());
    return key;
  }

  /** A well-formed key that no token endpoint knows: token requests fail with invalid_grant. */
  public static Key unregistered(String tokenUri, String projectId, String account) {
    KeyPair pair = rsaKeyPair();
    String email = account + "@" + projectId + ".iam.gserviceaccount.com";
    String keyId = UUID.randomUUID().toString().replace("-", "");
    ObjectNode json = JSON.createObjectNode();
    json.put("type", "service_account");
    json.put("project_id", projectId);
    json.put("private_key_id", keyId);
    json.put("private_key", pem(pair));
    json.put("client_email", email);
    json.put("client_id", Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits())));
    json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
    json.put("token_uri", tokenUri);
    json.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
    json.put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/" + email);
    json.put("universe_domain", "googleapis.com");
    try {
      return new Key(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json), email, keyId, pair);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The same key file (client_email, private_key_id, token_uri) with a private key of a pair made just now, never one
   * of the pool's: what a forged or corrupted key looks like to the token endpoint, whose registered public key for
   * that (client_email, kid) can then never verify it. The pool's pairs are shared between keys, so a test about a
   * signature that must not verify needs this rather than another {@link #create} or {@link #unregistered}.
   */
  public static Key withAnotherPrivateKey(Key key) {
    KeyPair fresh = generateRsaKeyPair();
    try {
      ObjectNode json = (ObjectNode) JSON.readTree(key.json());
      json.put("private_key", pem(fresh));
      return new Key(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json), key.clientEmail(),
          key.privateKeyId(), fresh);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The next of a few 2048-bit RSA pairs, made once per JVM and handed out in turn: a new pair per key cost a fifth of
   * an exporter test's CPU (and far more in PIT's short-lived JVMs without C2's BigInteger intrinsics), while the
   * emulator tells keys apart by client_email and private_key_id, never by the pair. The pairs are immutable; two
   * keys may share one (always, among any three), so a key whose signature must fail comes from
   * {@link #withAnotherPrivateKey}.
   */
  private static KeyPair rsaKeyPair() {
    int slot = Math.floorMod(NEXT.getAndIncrement(), POOL.length());
    if (POOL.get(slot) == null) {
      POOL.compareAndSet(slot, null, generateRsaKeyPair()); // a racing thread's pair may win: either is fine
    }
    return POOL.get(slot);
  }

  private static KeyPair generateRsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is part of every JDK", e);
    }
  }

  private static String pem(KeyPair pair) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }
}
