package io.bqexport.testing.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.CRC32C;

/** One object of the stand-in: immutable bytes of one generation, as GCS stores them. */
record StoredObject(String bucket, String name, byte[] data, long generation, String contentType, Instant created) {

  /** GCS reports md5Hash as base64 of the 16 digest bytes. */
  String md5() {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** GCS reports crc32c as base64 of the checksum's 4 bytes, big-endian. */
  String crc32c() {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
