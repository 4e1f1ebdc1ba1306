package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.testing.ServiceAccountKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shape check of a service-account key file, shared by the operator and the exporter. */
class ServiceAccountKeyInfoTest {

  private static final String WHERE = "Secret bq-writer, key service-account.json";
  private static final ServiceAccountKeys.Key KEY =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "writer");

  private static ServiceAccountKeyInfo.InvalidKeyException rejection(String json) {
    try {
      ServiceAccountKeyInfo.parse(json.getBytes(StandardCharsets.UTF_8), WHERE);
    } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
      return e;
    }
    throw new AssertionError("accepted: a key file of this shape should be rejected");
  }

  private static ObjectNode keyJson() throws Exception {
    return (ObjectNode) new ObjectMapper().readTree(KEY.json());
  }

  @Test
  void aKeyFileAsGoogleCloudDownloadsItGivesItsNonSecretFacts() throws Exception {
    ServiceAccountKeyInfo info = ServiceAccountKeyInfo.parse(KEY.bytes(), WHERE);

    assertThat(info.clientEmail()).isEqualTo("writer@acme-analytics.iam.gserviceaccount.com");
    assertThat(info.projectId()).isEqualTo("acme-analytics");
    assertThat(info.fingerprint()).matches("sha256:[0-9a-f]{16}");
  }

  @Test
  void textThatIsNotJsonIsRejectedByPositionWithoutQuotingIt() {
    ServiceAccountKeyInfo.InvalidKeyException e = rejection("{\"private_key\": -----BEGIN hunter2");

    assertThat(e.reason()).isEqualTo(Reasons.INVALID_KEY_JSON);
    assertThat(e.getMessage()).startsWith(WHERE + " is not valid JSON (line 1, column ")
        .doesNotContain("hunter2").doesNotContain("BEGIN");
  }

  @Test
  void aPrivateKeyPastedWithoutItsQuotesIsRejectedWithoutQuotingAnyOfIt() throws Exception {
    // Jackson's own message names the token it stopped at; here that token is the key material itself (a line of the
    // PEM body), so the message must stay at the position. The "-----BEGIN" case above stops at the first '-' and
    // cannot show this: a message that appended the parser's text still passed it.
    String keyLine = keyJson().get("private_key").asText().split("\n")[1];
    ServiceAccountKeyInfo.InvalidKeyException e = rejection("{\"type\": \"service_account\", \"private_key\": "
        + keyLine + "}");

    assertThat(e.reason()).isEqualTo(Reasons.INVALID_KEY_JSON);
    assertThat(e.getMessage()).startsWith(WHERE + " is not valid JSON (line 1, column ");
    // Jackson quotes the token up to its first '+' or '/'; every 2048-bit PKCS#8 key starts with 32 base64 characters
    // without either, so a quoting message always fails here.
    for (int i = 0; i + 12 <= keyLine.length(); i++) {
      assertThat(e.getMessage()).as("piece %d of the key line", i).doesNotContain(keyLine.substring(i, i + 12));
    }
  }

  @Test
  void jsonThatIsNotAnObjectIsRejected() {
    ServiceAccountKeyInfo.InvalidKeyException e = rejection("[\"service_account\"]");

    assertThat(e.reason()).isEqualTo(Reasons.INVALID_KEY_JSON);
    assertThat(e.getMessage()).contains("is JSON but not an object");
  }

  @Test
  void userCredentialsAreNotAServiceAccountKey() {
    ServiceAccountKeyInfo.InvalidKeyException e = rejection("{\"type\": \"authorized_user\", \"client_id\": \"1\","
        + " \"client_secret\": \"s\", \"refresh_token\": \"r\"}");

    assertThat(e.reason()).as("the type is named, not the fields it lacks").isEqualTo(Reasons.KEY_NOT_SERVICE_ACCOUNT);
    assertThat(e.getMessage()).contains("has type 'authorized_user'");
  }

  @Test
  void aKeyWithoutItsTypeLacksAField() throws Exception {
    ObjectNode json = keyJson();
    json.remove("type");

    ServiceAccountKeyInfo.InvalidKeyException e = rejection(json.toString());

    assertThat(e.reason()).isEqualTo(Reasons.KEY_MISSING_FIELD);
    assertThat(e.getMessage()).isEqualTo(WHERE + " lacks type; download a new JSON key for the service account and"
        + " replace the Secret's value");
  }

  @Test
  void aPrivateKeyThatIsNotPemIsRejected() throws Exception {
    ObjectNode json = keyJson();
    json.put("private_key", "not a key");

    ServiceAccountKeyInfo.InvalidKeyException e = rejection(json.toString());

    assertThat(e.reason()).isEqualTo(Reasons.KEY_MISSING_FIELD);
    assertThat(e.getMessage()).contains("private_key is not a PEM private key").doesNotContain("not a key");
  }
}
