package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.cloud.bigquery.DatasetId;
import io.bqexport.exporter.ExportFailure;
import io.bqexport.exporter.FailureReason;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BigQuery's error text reaches status conditions and Events through the failure messages: it keeps the reason and
 * what BigQuery said, but never key or token material, and never more than a few hundred characters.
 */
class ErrorTextTest {
  private static final String PROJECT = "acme-analytics";
  private static final String KEY_ID = "0123456789abcdef0123456789abcdef01234567";
  private static final String TOKEN = "ya29.a0AfH6SMBx-3kq_Zt9Secret";
  private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjAxMjMifQ.eyJpc3MiOiJicS13cml0ZXIifQ.c2lnbmF0dXJl";
  private static final String PEM = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n"
      + "-----END PRIVATE KEY-----\\n";

  private BigQueryEmulator emulator;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void anErrorEchoingKeyMaterialIsRedactedAndCapped() {
    emulator.faults().failNext("GET", "/datasets/amplitude", 1, 403, "accessDenied",
        "Access Denied: Dataset acme-analytics:amplitude: Permission bigquery.datasets.get denied; request had"
            + " {\"private_key_id\": \"" + KEY_ID + "\", \"private_key\": \"" + PEM + "\"} with Authorization:"
            + " Bearer " + TOKEN + " and assertion=" + JWT + " " + "x".repeat(2000));

    ExportFailure failure = catchThrowableOfType(ExportFailure.class,
        () -> new TableManager(emulator.client(PROJECT), DatasetId.of(PROJECT, "amplitude")).ensureDataset(null,
            false));

    assertThat(failure.reason()).isEqualTo(FailureReason.PermissionDenied);
    assertThat(failure.getMessage())
        .contains("Access Denied: Dataset acme-analytics:amplitude: Permission bigquery.datasets.get denied",
            "roles/bigquery.dataEditor")
        .doesNotContain(KEY_ID, TOKEN, JWT, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
        .hasSizeLessThan(600);
  }

  @Test
  void keyLookingStringsInAMessageAreRedacted() {
    String safe = ErrorText.safe("key " + KEY_ID + ", \"access_token\":\"" + TOKEN + "\", Bearer " + TOKEN
        + ", " + JWT + ", " + PEM, 1000);
    assertThat(safe).doesNotContain(KEY_ID, TOKEN, JWT, "MIIEvQ").contains("\"access_token\":<redacted>",
        "Bearer <redacted>");
    assertThat(ErrorText.safe("Not found: Table p:d.events_2026", 1000)).isEqualTo("Not found: Table p:d.events_2026");
    assertThat(ErrorText.safe("line one\n  line two " + "y".repeat(500), 100)).startsWith("line one line two")
        .hasSize(103);
  }

  @Test
  void aMessageOfExactlyTheLimitIsKeptWholeAndOneCharacterMoreIsCut() {
    assertThat(ErrorText.safe("abcde", 5)).isEqualTo("abcde");
    assertThat(ErrorText.safe("abcdef", 5)).isEqualTo("abcde...");
  }
}
