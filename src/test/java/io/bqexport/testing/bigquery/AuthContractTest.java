package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.QueryJobConfiguration;
import io.bqexport.testing.ServiceAccountKeys;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token endpoint and bearer-token checks, through ServiceAccountCredentials and the real client. */
class AuthContractTest {
  private static final String PROJECT = "acme-analytics";
  private static BigQueryEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
    emulator.requireAuthentication(true);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static BigQuery clientWith(GoogleCredentials credentials) {
    return BigQueryOptions.newBuilder()
        .setHost(emulator.endpoint())
        .setProjectId(PROJECT)
        .setCredentials(credentials)
        .setRetrySettings(BigQueryEmulator.fastRetries())
        .build()
        .getService();
  }

  @Test
  void generatedKeyGetsATokenAndTheClientIsAuthenticated() throws Exception {
    ServiceAccountKeys.Key key = ServiceAccountKeys.create(emulator, PROJECT, "writer");
    ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(key.inputStream());
    assertThat(credentials.getClientEmail()).isEqualTo("writer@acme-analytics.iam.gserviceaccount.com");
    assertThat(key.json()).contains("\"type\" : \"service_account\"").contains(emulator.tokenUri());

    BigQuery bigquery = clientWith(credentials);
    assertThat(bigquery.getDataset(DatasetId.of(PROJECT, "amplitude"))).isNotNull();
    bigquery.query(QueryJobConfiguration.of("SELECT 1"));
    assertThat(emulator.jobs()).isNotEmpty();

    AccessToken token = credentials.createScoped(List.of("https://www.googleapis.com/auth/bigquery"))
        .refreshAccessToken();
    assertThat(token.getTokenValue()).startsWith("ya29.emulator-");
  }

  @Test
  void unregisteredKeyIsRefusedWithInvalidGrant() throws Exception {
    ServiceAccountKeys.Key key = ServiceAccountKeys.unregistered(emulator.tokenUri(), PROJECT, "stranger");
    ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(key.inputStream());

    assertThatThrownBy(() -> credentials.createScoped(List.of("https://www.googleapis.com/auth/bigquery"))
        .refreshAccessToken())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("invalid_grant");
    assertThatThrownBy(() -> clientWith(credentials).getDataset(DatasetId.of(PROJECT, "amplitude")))
        .isInstanceOf(BigQueryException.class)
        .hasMessageContaining("invalid_grant");
  }

  @Test
  void aKeySignedByAnotherPrivateKeyThanTheRegisteredOneIsRefused() throws Exception {
    // Same client_email and private_key_id as a registered key: only the signature check can refuse it. The key pool
    // hands the same pairs to many keys, so the other private key is made fresh (withAnotherPrivateKey).
    ServiceAccountKeys.Key registered = ServiceAccountKeys.create(emulator, PROJECT, "impostor");
    ServiceAccountKeys.Key forged = ServiceAccountKeys.withAnotherPrivateKey(registered);
    ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(forged.inputStream());
    assertThat(credentials.getPrivateKeyId()).isEqualTo(registered.privateKeyId());

    assertThatThrownBy(() -> credentials.createScoped(List.of("https://www.googleapis.com/auth/bigquery"))
        .refreshAccessToken())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("invalid_grant");
    assertThat(ServiceAccountCredentials.fromStream(registered.inputStream())
        .createScoped(List.of("https://www.googleapis.com/auth/bigquery")).refreshAccessToken().getTokenValue())
        .as("the registered key itself still gets a token").startsWith("ya29.emulator-");
  }

  @Test
  void revokedKeyStopsWorking() throws Exception {
    ServiceAccountKeys.Key key = ServiceAccountKeys.create(emulator, PROJECT, "revoked");
    ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(key.inputStream());
    emulator.revokeServiceAccountKey(key.clientEmail(), key.privateKeyId());

    assertThatThrownBy(() -> clientWith(credentials).getDataset(DatasetId.of(PROJECT, "amplitude")))
        .isInstanceOf(BigQueryException.class)
        .hasMessageContaining("invalid_grant");
  }

  @Test
  void callsWithoutATokenGet401WhenAuthenticationIsRequired() {
    assertThatThrownBy(() -> emulator.client(PROJECT).getDataset(DatasetId.of(PROJECT, "amplitude")))
        .isInstanceOfSatisfying(BigQueryException.class, e -> {
          assertThat(e.getCode()).isEqualTo(401);
          assertThat(e.getReason()).isEqualTo("required");
        });
  }
}
