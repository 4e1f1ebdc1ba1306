package io.bqexport.storage;

import io.bqexport.amplitude.AmplitudeException;

/**
 * The events folder holds no file in Amplitude's layout: a wrong prefix or appId, or an export that has not
 * written yet. The message names where it looked, so the mismatch can be seen against the bucket.
 */
public final class NoExportFilesException extends AmplitudeException {
  public static final String REASON = "NoExportFiles";

  NoExportFilesException(String bucket, String folder, String example) {
    super(REASON, "no Amplitude export files under gs://" + bucket + "/" + folder + " (looked for names such as "
        + example + " in the first " + StorageAccessProbe.PAGE + " objects there): check"
        + " spec.source.storage.gcs.prefix and appId against the bucket, or wait for Amplitude's first delivery"
        + " (typically within a few hours of enabling the export); it is checked again");
  }
}
