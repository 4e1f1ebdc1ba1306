package io.bqexport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short, stable SHA-256 hex digests for names and ids derived from content (job ids, child names, fingerprints). */
public final class Hashes {
  private Hashes() {}

  /** The first {@code hexChars} hex characters of the SHA-256 of the UTF-8 text. */
  public static String sha256Hex(String text, int hexChars) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
