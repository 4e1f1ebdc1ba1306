package io.bqexport.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.amplitude.SourceUnavailableException;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.storage.StorageFault;
import io.bqexport.testing.storage.StorageOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage source's check before activation, through the real google-cloud-storage client against the Cloud
 * Storage stand-in: each outcome has its own reason, and a success lists once and reads one object's first bytes.
 */
class StorageAccessProbeContractTest {
  private static final String BUCKET = "acme-amplitude-export";
  private static final Instant HOUR = Instant.parse("2026-11-28T07:00:00Z");
  private static final StorageLayout LAYOUT = new StorageLayout("amplitude", "187520", "189524");
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(30));

  private CloudStorageStandIn gcs;
  private Storage storage;

  @BeforeEach
  void start() {
    gcs = CloudStorageStandIn.start();
    storage = StorageClients.create(NoCredentials.getInstance(), gcs.endpoint(), "bqexport-test", FAST);
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
    gcs.close();
  }

  @Test
  void aFolderWithExportFilesListsOnceAndReadsTheStartOfOneFile() {
    List<String> written = writeHour();

    String proven = probe().verify();

    assertThat(proven).contains("gs://acme-amplitude-export/amplitude/187520/",
        written.get(0).substring("amplitude/187520/".length()));
    assertThat(gcs.requests(StorageOperation.LIST)).singleElement()
        .satisfies(r -> assertThat(r.query()).contains("prefix=amplitude/187520/", "maxResults=100"));
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).singleElement().satisfies(r -> {
      assertThat(r.path()).contains("187520_2026-11-28_7");
      assertThat(r.range()).as("reads at most the first KiB").isEqualTo("bytes=0-1023");
    });
  }

  @Test
  void aMissingBucketIsBucketNotFound() {
    assertThatThrownBy(() -> probe().verify()).isInstanceOfSatisfying(BucketNotFoundException.class, e -> {
      assertThat(e.reason()).isEqualTo("BucketNotFound");
      assertThat(e.getMessage()).contains("gs://acme-amplitude-export", "spec.source.storage.gcs.bucket");
    });
  }

  @Test
  void aFolderWithoutExportFilesIsNoExportFilesAndSaysWhereItLooked() {
    gcs.createBucket(BUCKET);
    gcs.put(BUCKET, "amplitude/187520/README.txt", new byte[] {'x'});
    gcs.put(BUCKET, "amplitude/187521/187521_2026-11-28_7#1.json.gz", new byte[] {'x'});

    assertThatThrownBy(() -> probe().verify()).isInstanceOfSatisfying(NoExportFilesException.class, e -> {
      assertThat(e.reason()).isEqualTo("NoExportFiles");
      assertThat(e.getMessage()).contains("gs://acme-amplitude-export/amplitude/187520/",
          "187520_yyyy-MM-dd_H#n.json.gz", "spec.source.storage.gcs.prefix and appId");
    });
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).isEmpty();
  }

  @Test
  void aDeniedListOrReadIsStorageAccessDeniedNamingThePermission() {
    writeHour();
    gcs.deny(StorageOperation.LIST);
    assertThatThrownBy(() -> probe().verify()).isInstanceOfSatisfying(StorageAccessDeniedException.class, e -> {
      assertThat(e.reason()).isEqualTo("StorageAccessDenied");
      assertThat(e.permission()).isEqualTo("storage.objects.list");
      assertThat(e.getMessage()).contains("roles/storage.objectViewer");
    });

    gcs.allowAll().deny(StorageOperation.GET_MEDIA);
    assertThatThrownBy(() -> probe().verify()).isInstanceOfSatisfying(StorageAccessDeniedException.class,
        e -> assertThat(e.permission()).isEqualTo("storage.objects.get"));
  }

  @Test
  void aPersistentOutageIsSourceUnavailableAfterTheClientsRetries() {
    writeHour();
    gcs.fail(StorageOperation.LIST, 10, StorageFault.status(503));

    assertThatThrownBy(() -> probe().verify()).isInstanceOf(SourceUnavailableException.class);
    assertThat(gcs.requests(StorageOperation.LIST)).hasSize(FAST.maxAttempts());
  }

  private List<String> writeHour() {
    return new AmplitudeStorageExport(gcs, BUCKET, LAYOUT)
        .writeEvents(new GeneratedEvents(new AmplitudeEventGenerator(3, 187520)).hour(HOUR, 20), HOUR);
  }

  private StorageAccessProbe probe() {
    return new StorageAccessProbe(storage, BUCKET, LAYOUT);
  }
}
