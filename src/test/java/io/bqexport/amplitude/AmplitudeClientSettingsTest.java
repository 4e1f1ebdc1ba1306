package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AmplitudeClientSettingsTest {
  private static final AmplitudeCredentials KEYS = new AmplitudeCredentials("api-123", "secret-456");

  @Test
  void regionsPickTheirExportHosts() {
    assertThat(AmplitudeClientSettings.of(AmplitudeRegion.US, null, KEYS).resolve("/api/2/export?start=x"))
        .isEqualTo(URI.create("https://amplitude.com/api/2/export?start=x"));
    assertThat(AmplitudeClientSettings.of(AmplitudeRegion.EU, null, KEYS).resolve("/api/2/export?start=x"))
        .isEqualTo(URI.create("https://analytics.eu.amplitude.com/api/2/export?start=x"));
  }

  @Test
  void regionParsingIsCaseInsensitiveDefaultsToUsAndNamesTheFieldWhenWrong() {
    assertThat(AmplitudeRegion.parse("eu")).isEqualTo(AmplitudeRegion.EU);
    assertThat(AmplitudeRegion.parse(null)).isEqualTo(AmplitudeRegion.US);
    assertThatThrownBy(() -> AmplitudeRegion.parse("APAC"))
        .hasMessageContaining("spec.source.amplitude.region").hasMessageContaining("US or EU");
  }

  @Test
  void anEndpointOverrideWinsAndKeepsItsPathPrefix() {
    AmplitudeClientSettings settings =
        AmplitudeClientSettings.of(AmplitudeRegion.EU, URI.create("http://proxy.local:8080/amplitude/"), KEYS);

    assertThat(settings.resolve("/api/2/events/list"))
        .isEqualTo(URI.create("http://proxy.local:8080/amplitude/api/2/events/list"));
  }

  @Test
  void anEndpointThatIsNotHttpIsRejectedNamingTheField() {
    assertThatThrownBy(() -> AmplitudeClientSettings.of(AmplitudeRegion.US, URI.create("ftp://x"), KEYS))
        .hasMessageContaining("spec.source.amplitude.endpoint");
  }

  @Test
  void credentialsNeverShowInToString() {
    AmplitudeClientSettings settings = AmplitudeClientSettings.of(AmplitudeRegion.US, null, KEYS);

    assertThat(KEYS.toString()).doesNotContain("api-123", "secret-456");
    assertThat(settings.toString()).doesNotContain("api-123", "secret-456").contains("redacted");
    assertThat(KEYS.basicAuthorization()).isEqualTo("Basic YXBpLTEyMzpzZWNyZXQtNDU2");
  }

  @Test
  void emptyKeysAreRejectedNamingTheSecretKey() {
    assertThatThrownBy(() -> new AmplitudeCredentials("api", " "))
        .hasMessageContaining("secret-key").message().doesNotContain("api");
  }

  @Test
  void windowsAreHalfOpenAndTheApiEndIsTheLastHour() {
    ExportWindow window = new ExportWindow(Instant.parse("2026-11-28T22:00:00Z"), Instant.parse("2026-11-29T01:00:00Z"));

    assertThat(window.apiStart()).isEqualTo("20261128T22");
    assertThat(window.apiEnd()).isEqualTo("20261129T00");
    assertThat(window.hours()).isEqualTo(3);
    assertThat(ExportWindow.ofHour(Instant.parse("2026-01-02T03:00:00Z")).apiEnd()).isEqualTo("20260102T03");
  }

  @Test
  void windowsMustBeWholeHoursInOrder() {
    Instant hour = Instant.parse("2026-11-28T22:00:00Z");
    assertThatThrownBy(() -> new ExportWindow(hour.plusSeconds(60), hour.plusSeconds(7200)))
        .hasMessageContaining("not a whole UTC hour");
    assertThatThrownBy(() -> new ExportWindow(hour, hour)).hasMessageContaining("before");
  }
}
