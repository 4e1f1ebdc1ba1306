package io.bqexport.operator.export;

/**
 * What the current credential check allows the children: a validated result lets the CronJob run and a run-now
 * start; while a changed spec or Secret is checked (or nothing is known yet, after a restart) an existing CronJob is
 * left as last written for validated inputs.
 *
 * @param credentials the check's outcome; null when the Secrets could not be read (nothing was checked)
 */
record CredentialGate(CredentialValidations.Outcome credentials) {

  /** The last finished check succeeded. */
  boolean valid() {
    return credentials != null && credentials.result() != null && credentials.result().ok();
  }

  /** A check of changed inputs runs, or one without any result to go on. */
  boolean checkingChange() {
    return credentials != null && (credentials.changePending() || credentials.result() == null);
  }

  /** Transfer Service delivery needs the current inputs validated: a success of the previous ones is not enough. */
  boolean validForTransfers() {
    return valid() && !credentials.changePending();
  }

  /** The ConfigMap and CronJob stay as they are while a change is checked, when a CronJob exists at all. */
  boolean keepsChildren(boolean cronJobExists) {
    return checkingChange() && cronJobExists;
  }

  /** The CronJob is written suspended unless the spec lets it run and the current inputs are validated. */
  boolean suspendsCronJob(boolean specSuspended) {
    return specSuspended || !valid() || checkingChange();
  }

  /** A run-now Job starts only for validated, unchanged inputs. */
  boolean startsRunNow() {
    return valid() && !checkingChange();
  }
}
