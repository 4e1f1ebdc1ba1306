package io.bqexport.exporter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A fresh service-account key (generated at test time) that the emulator's token endpoint accepts. */
final class TestKeys {

  private TestKeys() {}

  static Path writeKeyFile(BigQueryEmulator emulator, String project, Path file) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      String email = "writer@" + project + ".iam.gserviceaccount.com";
      String keyId = UUID.randomUUID().toString().replace("-", "");
      emulator.registerServiceAccountKey(email, keyId, pair.getPublic());
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      Map<String, String> key = new LinkedHashMap<>();
      key.put("type", "service_account");
      key.put("project_id", project);
      key.put("private_key_id", keyId);
      key.put("private_key", pem);
      key.put("client_email", email);
      key.put("client_id", "1234567890");
      key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
      key.put("token_uri", emulator.tokenUri());
      Files.writeString(file, new ObjectMapper().writeValueAsString(key));
      return file;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
