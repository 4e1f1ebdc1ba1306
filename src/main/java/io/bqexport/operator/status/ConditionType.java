package io.bqexport.operator.status;

/** Condition types written by the operator. Reconciling and Stalled follow kstatus. */
public final class ConditionType {
  public static final String READY = "Ready";
  public static final String CREDENTIALS_VALID = "CredentialsValid";
  public static final String SCHEDULED = "Scheduled";
  public static final String DATA_FRESH = "DataFresh";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";

  private ConditionType() {}
}
