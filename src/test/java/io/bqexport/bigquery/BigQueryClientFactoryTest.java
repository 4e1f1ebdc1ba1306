package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQueryOptions;
import io.bqexport.testing.ServiceAccountKeys;
import org.junit.jupiter.api.Test;

/** The options a client is built with; building one makes no call, so no stand-in is needed. */
class BigQueryClientFactoryTest {

  private static final ServiceAccountKeys.Key KEY =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "key-project", "writer");

  private static BigQueryOptions options(String projectId, String location, String endpoint) {
    return BigQueryClientFactory.fromKeyJson(KEY.json(), projectId, location, endpoint).getOptions();
  }

  @Test
  void theProjectIsTheGivenOneElseTheKeys() {
    assertThat(options("billing-project", null, null).getProjectId()).isEqualTo("billing-project");
    assertThat(options(null, null, null).getProjectId()).isEqualTo("key-project");
    assertThat(options(" ", null, null).getProjectId()).as("blank: not given").isEqualTo("key-project");
  }

  @Test
  void aLocationIsSetOnlyWhenGiven() {
    assertThat(options(null, "EU", null).getLocation()).isEqualTo("EU");
    assertThat(options(null, null, null).getLocation()).isNull();
    assertThat(options(null, "  ", null).getLocation()).isNull();
  }

  @Test
  void anEndpointReplacesGooglesHostOnlyWhenGiven() {
    assertThat(options(null, null, "http://127.0.0.1:9050").getHost()).isEqualTo("http://127.0.0.1:9050");
    assertThat(options(null, null, null).getHost()).isEqualTo("https://www.googleapis.com");
    assertThat(options(null, null, "").getHost()).isEqualTo("https://www.googleapis.com");
  }
}
