package io.bqexport.testing.metadata;

import com.google.auth.oauth2.GoogleCredentials;
import java.util.List;

/**
 * Run in a forked JVM with GCE_METADATA_HOST set: finds Application Default Credentials exactly as an exporter pod
 * does (no key anywhere), and prints the credential type and the access token it got.
 */
public final class PrintApplicationDefaultToken {
  private PrintApplicationDefaultToken() {
  }

  public static void main(String[] args) throws Exception {
    GoogleCredentials credentials = GoogleCredentials.getApplicationDefault()
        .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
    System.out.println(credentials.getClass().getSimpleName());
    System.out.println(credentials.refreshAccessToken().getTokenValue());
  }
}
