package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.bigquery.CredentialProbe;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What each state of the credential check lets the CronJob and a run-now do. */
class CredentialGateTest {
  private static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");
  private static final CredentialProbe.Result OK = new CredentialProbe.Result(true, Reasons.VALIDATED, "ok",
      "bq-writer@acme.iam.gserviceaccount.com", "acme");
  private static final CredentialProbe.Result DENIED = new CredentialProbe.Result(false, Reasons.PERMISSION_DENIED,
      "denied", null, null);

  @Test
  void validatedUnchangedInputsLetTheCronJobRunAndARunNowStart() {
    CredentialGate gate = gate(OK, false);
    assertThat(gate.valid()).isTrue();
    assertThat(gate.checkingChange()).isFalse();
    assertThat(gate.validForTransfers()).isTrue();
    assertThat(gate.keepsChildren(true)).as("nothing pending: the children are written").isFalse();
    assertThat(gate.suspendsCronJob(false)).isFalse();
    assertThat(gate.suspendsCronJob(true)).as("spec.suspend wins").isTrue();
    assertThat(gate.startsRunNow()).isTrue();
  }

  @Test
  void aChangeUnderCheckKeepsAnExistingCronJobAndWritesANewOneSuspended() {
    CredentialGate gate = gate(OK, true);
    assertThat(gate.valid()).as("the previous inputs' success").isTrue();
    assertThat(gate.checkingChange()).isTrue();
    assertThat(gate.validForTransfers()).as("says nothing about the changed inputs").isFalse();
    assertThat(gate.keepsChildren(true)).isTrue();
    assertThat(gate.keepsChildren(false)).as("no CronJob yet: one is written").isFalse();
    assertThat(gate.suspendsCronJob(false)).isTrue();
    assertThat(gate.startsRunNow()).isFalse();
  }

  @Test
  void aCheckWithoutAnyResultYetCountsAsAChange() {
    CredentialGate gate = gate(null, false);
    assertThat(gate.valid()).isFalse();
    assertThat(gate.checkingChange()).as("after a restart nothing is known").isTrue();
    assertThat(gate.keepsChildren(true)).isTrue();
    assertThat(gate.suspendsCronJob(false)).isTrue();
    assertThat(gate.startsRunNow()).isFalse();
    assertThat(gate.validForTransfers()).isFalse();
  }

  @Test
  void aFailedCheckSuspendsWithoutKeepingTheChildren() {
    CredentialGate gate = gate(DENIED, false);
    assertThat(gate.valid()).isFalse();
    assertThat(gate.checkingChange()).isFalse();
    assertThat(gate.keepsChildren(true)).as("the CronJob is written suspended").isFalse();
    assertThat(gate.suspendsCronJob(false)).isTrue();
    assertThat(gate.startsRunNow()).isFalse();
    assertThat(gate.validForTransfers()).isFalse();
  }

  @Test
  void unreadableSecretsMeanNothingWasCheckedAndTheCronJobIsWrittenSuspended() {
    CredentialGate gate = new CredentialGate(null);
    assertThat(gate.valid()).isFalse();
    assertThat(gate.checkingChange()).isFalse();
    assertThat(gate.keepsChildren(true)).isFalse();
    assertThat(gate.suspendsCronJob(false)).isTrue();
    assertThat(gate.startsRunNow()).isFalse();
    assertThat(gate.validForTransfers()).isFalse();
  }

  private static CredentialGate gate(CredentialProbe.Result result, boolean changePending) {
    return new CredentialGate(new CredentialValidations.Outcome(result, result == null ? null : AT, result == null,
        null, changePending));
  }
}
