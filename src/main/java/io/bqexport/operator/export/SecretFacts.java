package io.bqexport.operator.export;

import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.operator.status.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the operator needs to know of one version of a Secret, derived once from its data and never the data itself:
 * its key names, which values are blank, the parsed facts (or the parse problem) of the keys used as key files, and
 * a fingerprint of each value, so that identical credential probes can still be shared. Fingerprints are HMACs
 * under a random per-process key: nothing outside this process can test a guessed value against them.
 */
final class SecretFacts {
  private static final byte[] FINGERPRINT_KEY = randomKey();

  /** nextBytes, not generateSeed: the seed source may block at start-up, and a keyed HMAC needs no fresh entropy. */
  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** A key file's facts, or why it is unusable. */
  record KeyFile(ServiceAccountKeyInfo info, Problem problem) {}

  private final String uid;
  private final String resourceVersion;
  private final SortedSet<String> keys;
  private final Set<String> blank;
  private final Map<String, String> fingerprints;
  private final Map<String, KeyFile> keyFiles;

  private SecretFacts(String uid, String resourceVersion, SortedSet<String> keys, Set<String> blank,
      Map<String, String> fingerprints, Map<String, KeyFile> keyFiles) {
    this.uid = uid;
    this.resourceVersion = resourceVersion;
    this.keys = keys;
    this.blank = blank;
    this.fingerprints = fingerprints;
    this.keyFiles = keyFiles;
  }

  /** The facts of {@code secret}, with the keys named in {@code keyFileKeys} parsed as service-account key files. */
  static SecretFacts of(Secret secret, Set<String> keyFileKeys) {
    SortedSet<String> keys = new TreeSet<>();
    Set<String> blank = new HashSet<>();
    Map<String, String> fingerprints = new HashMap<>();
    Map<String, KeyFile> keyFiles = new HashMap<>();
    String name = secret.getMetadata().getName();
    for (String key : allKeys(secret)) {
      byte[] value = value(secret, key);
      keys.add(key);
      if (new String(value, StandardCharsets.UTF_8).isBlank()) {
        blank.add(key);
      }
      fingerprints.put(key, fingerprint(value));
      if (keyFileKeys.contains(key)) {
        try {
          keyFiles.put(key, new KeyFile(ServiceAccountKeyInfo.parse(value, "Secret " + name + ", key " + key), null));
        } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
          keyFiles.put(key, new KeyFile(null, Problem.of(e.reason(), e.getMessage())));
        }
      }
    }
    return new SecretFacts(secret.getMetadata().getUid(), secret.getMetadata().getResourceVersion(), keys, blank,
        Map.copyOf(fingerprints), Map.copyOf(keyFiles));
  }

  /** Whether these are the facts of that version of the Secret. */
  boolean isOf(String secretUid, String secretResourceVersion) {
    return uid != null && uid.equals(secretUid) && resourceVersion != null
        && resourceVersion.equals(secretResourceVersion);
  }

  /** Whether the facts can answer for these keys as key files (else the Secret must be read again). */
  boolean parsed(Set<String> keyFileKeys) {
    return keyFileKeys.stream().allMatch(k -> !keys.contains(k) || keyFiles.containsKey(k));
  }

  Set<String> parsedKeyFiles() {
    return keyFiles.keySet();
  }

  String resourceVersion() {
    return resourceVersion;
  }

  SortedSet<String> keys() {
    return keys;
  }

  boolean has(String key) {
    return keys.contains(key);
  }

  boolean hasText(String key) {
    return keys.contains(key) && !blank.contains(key);
  }

  /** The parsed key file under {@code key}; the key must be present and have been named in {@link #of}. */
  KeyFile keyFile(String key) {
    return keyFiles.get(key);
  }

  String fingerprint(String key) {
    return fingerprints.get(key);
  }

  static Set<String> allKeys(Secret secret) {
    Set<String> keys = new TreeSet<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> {
        if (v != null) {
          keys.add(k);
        }
      });
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> {
        if (v != null) {
          keys.add(k);
        }
      });
    }
    return keys;
  }

  /** The value under {@code key} (data wins over stringData, as the API server merges them), or null. */
  static byte[] value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return Base64.getDecoder().decode(data.get(key));
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData != null && stringData.get(key) != null
        ? stringData.get(key).getBytes(StandardCharsets.UTF_8) : null;
  }

  static String fingerprint(byte[] value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(FINGERPRINT_KEY, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
