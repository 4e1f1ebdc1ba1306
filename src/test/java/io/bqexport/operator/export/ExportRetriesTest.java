package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ComputeEngineCredentials;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The waits tests shorten, each changed alone; and the operator's own identity comes from the metadata server. */
class ExportRetriesTest {

  @Test
  void eachWitherChangesOnlyItsWait() {
    ExportRetries d = ExportRetries.DEFAULT;
    assertThat(d).isEqualTo(new ExportRetries(Duration.ofMinutes(3), Duration.ofSeconds(30),
        ExportReconciler.APPLY_RETRY));
    assertThat(d.withProbeTimeout(Duration.ofSeconds(5)))
        .isEqualTo(new ExportRetries(Duration.ofSeconds(5), d.firstProbeRetry(), d.applyRetry()));
    assertThat(d.withFirstProbeRetry(Duration.ofSeconds(6)))
        .isEqualTo(new ExportRetries(d.probeTimeout(), Duration.ofSeconds(6), d.applyRetry()));
    assertThat(d.withApplyRetry(Duration.ofSeconds(7)))
        .isEqualTo(new ExportRetries(d.probeTimeout(), d.firstProbeRetry(), Duration.ofSeconds(7)));
  }

  @Test
  void ambientCredentialsAreTheMetadataServersAndNeverAKeyFile() throws Exception {
    // Creating them makes no call: the token is fetched on the first refresh.
    assertThat(AmbientCredentials.metadataServer().get()).isInstanceOf(ComputeEngineCredentials.class);
  }
}
