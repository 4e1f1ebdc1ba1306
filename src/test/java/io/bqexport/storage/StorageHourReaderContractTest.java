package io.bqexport.storage;

import static io.bqexport.storage.StorageObjectKind.EVENTS;
import static io.bqexport.storage.StorageObjectKind.MERGE_IDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import io.bqexport.ExportWindow;
import io.bqexport.amplitude.CorruptArchiveException;
import io.bqexport.amplitude.RetryPolicy;
import io.bqexport.amplitude.SourceLine;
import io.bqexport.amplitude.SourceUnavailableException;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.storage.AmplitudeStorageExport;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.testing.storage.StorageFault;
import io.bqexport.testing.storage.StorageOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StorageHourReader through the real google-cloud-storage client against the Cloud Storage stand-in. */
class StorageHourReaderContractTest {
  private static final String BUCKET = "amplitude-export";
  private static final long APP_ID = 187520;
  private static final Instant H1 = Instant.parse("2026-11-28T01:00:00Z");
  private static final Instant H11 = Instant.parse("2026-11-28T11:00:00Z");
  private static final RetryPolicy FAST =
      new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(30));

  private CloudStorageStandIn gcs;
  private Storage storage;
  private GeneratedEvents events;
  private AmplitudeStorageExport export;
  private StorageHourReader reader;

  @BeforeEach
  void start() {
    gcs = CloudStorageStandIn.start();
    storage = StorageClients.create(NoCredentials.getInstance(), gcs.endpoint(), "bqexport-test", FAST);
    events = new GeneratedEvents(new AmplitudeEventGenerator(42, APP_ID));
    use(new StorageLayout("amplitude", Long.toString(APP_ID), "189524"));
  }

  private void use(StorageLayout layout) {
    export = new AmplitudeStorageExport(gcs, BUCKET, layout);
    reader = new StorageHourReader(storage, BUCKET, layout);
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
    gcs.close();
  }

  private static List<SourceLine> readAll(StorageLineStream stream) {
    List<SourceLine> lines = new ArrayList<>();
    try (stream) {
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private List<String> uuids(List<SourceLine> lines) {
    return lines.stream().map(l -> l.text().replaceAll(".*\"uuid\":\"([^\"]+)\".*", "$1")).toList();
  }

  private List<String> expectedUuids(Instant hour) {
    return LongStream.range(0, events.count(hour)).mapToObj(i -> events.generator().uuid(hour, i)).toList();
  }

  @Test
  void readsSeveralFilesOfAnHourInFileNumberOrder() {
    events.eventsPerFile(10).hour(H11, 115); // files #0..#11: GCS lists #10 and #11 before #2
    export.writeEvents(events, H11);

    HourObjects listed = reader.list(EVENTS, H11);
    StorageLineStream stream = reader.open(List.of(listed));
    List<SourceLine> lines = readAll(stream);

    assertThat(listed.objects()).extracting(ListedObject::fileNumber)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(uuids(lines)).containsExactlyElementsOf(expectedUuids(H11));
    assertThat(lines.get(0).file()).isEqualTo("gs://" + BUCKET + "/amplitude/187520/187520_2026-11-28_11#0.json.gz");
    assertThat(lines.get(0).lineNumber()).isEqualTo(1);
    assertThat(lines.get(114).location()).endsWith("_11#11.json.gz line 5");
    assertThat(stream.filesRead()).isEqualTo(12);
    assertThat(stream.linesRead()).isEqualTo(115);
    assertThat(stream.compressedBytes()).isEqualTo(listed.totalBytes());
  }

  @Test
  void hourOneDoesNotReadHourEleven() {
    events.hour(H1, 5).hour(H11, 7);
    export.writeEvents(events, H1);
    export.writeEvents(events, H11);

    assertThat(uuids(readAll(reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600))))))
        .containsExactlyElementsOf(expectedUuids(H1));
    assertThat(uuids(readAll(reader.open(EVENTS, new ExportWindow(H11, H11.plusSeconds(3600))))))
        .containsExactlyElementsOf(expectedUuids(H11));
  }

  @Test
  void aWindowReadsItsHoursInOrderAndSkipsEmptyOnes() {
    events.hour(H1, 3).hour(H1.plusSeconds(7200), 4);
    export.writeEvents(events, H1);
    export.writeEvents(events, H1.plusSeconds(7200));

    StorageLineStream stream = reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3 * 3600)));
    List<String> expected = new ArrayList<>(expectedUuids(H1));
    expected.addAll(expectedUuids(H1.plusSeconds(7200)));

    assertThat(stream.hours()).extracting(HourObjects::isEmpty).containsExactly(false, true, false);
    assertThat(uuids(readAll(stream))).containsExactlyElementsOf(expected);
  }

  @Test
  void anHourWithoutFilesIsEmptyNotAnError() {
    gcs.createBucket(BUCKET);

    HourObjects listed = reader.list(EVENTS, H1);
    StorageLineStream stream = reader.open(List.of(listed));

    assertThat(listed.isEmpty()).isTrue();
    assertThat(listed.location()).isEqualTo("gs://" + BUCKET + "/amplitude/187520/187520_2026-11-28_1#");
    assertThat(stream.hasNoFiles()).isTrue();
    assertThat(stream.next()).isNull();
  }

  @Test
  void readsMergedIdsOfCrossAppAndLegacyOrganisations() {
    List<String> merged = export.writeMergeIds(H1, 20, 7);
    assertThat(readAll(reader.open(MERGE_IDS, new ExportWindow(H1, H1.plusSeconds(3600)))))
        .extracting(SourceLine::text).containsExactlyElementsOf(merged);
    assertThat(gcs.names(BUCKET)).containsExactly("amplitude/-189524/-189524_2026-11-28_1.json.gz");

    use(new StorageLayout("amplitude", Long.toString(APP_ID), null));
    events.hour(H1, 6);
    export.writeEvents(events, H1);
    List<String> legacyMerged = export.writeMergeIds(H1, 4, 7);
    ExportWindow hour = new ExportWindow(H1, H1.plusSeconds(3600));

    assertThat(readAll(reader.open(MERGE_IDS, hour))).extracting(SourceLine::text)
        .containsExactlyElementsOf(legacyMerged);
    assertThat(uuids(readAll(reader.open(EVENTS, hour)))).containsExactlyElementsOf(expectedUuids(H1));
  }

  @Test
  void aTruncatedGzipObjectIsCorruptAndNamed() {
    events.eventsPerFile(50).hour(H1, 100);
    List<String> names = export.writeEvents(events, H1);
    byte[] whole = storage.readAllBytes(BUCKET, names.get(1));
    gcs.put(BUCKET, names.get(1), Arrays.copyOf(whole, whole.length / 2));

    StorageLineStream stream = reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600)));
    List<SourceLine> read = new ArrayList<>();
    assertThatThrownBy(() -> {
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        read.add(line);
      }
    }).isInstanceOf(CorruptArchiveException.class)
        .hasMessageContaining("gs://" + BUCKET + "/" + names.get(1) + " is truncated or corrupt")
        .hasMessageContaining("nothing was committed");
    assertThat(read).hasSizeGreaterThanOrEqualTo(50).hasSizeLessThan(100);
    assertThatThrownBy(stream::next).as("the failure is sticky").isInstanceOf(CorruptArchiveException.class);
  }

  @Test
  void anObjectThatIsNotGzipIsCorrupt() {
    gcs.createBucket(BUCKET).put(BUCKET, export.layout().eventsObject(H1, 0), "{\"plain\":1}\n".getBytes());

    assertThatThrownBy(() -> readAll(reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600)))))
        .isInstanceOf(CorruptArchiveException.class).hasMessageContaining("_1#0.json.gz is truncated or corrupt");
  }

  @Test
  void aLineThatIsNotUtf8IsOneBadLineNotACorruptObject() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
      gzip.write("{\"uuid\":\"a\"}\n{\"uuid\":\"\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      gzip.write("\"}\n{\"uuid\":\"c\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    gcs.createBucket(BUCKET).put(BUCKET, export.layout().eventsObject(H1, 0), bytes.toByteArray());

    List<SourceLine> lines = readAll(reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600))));

    assertThat(lines).extracting(SourceLine::problem).containsExactly(null, lines.get(1).problem(), null);
    assertThat(lines.get(1).problem()).contains("not valid UTF-8");
    assertThat(lines.get(2).text()).isEqualTo("{\"uuid\":\"c\"}");
  }

  @Test
  void deniedPermissionsNameThePermissionAndTheBucket() {
    events.hour(H1, 3);
    export.writeEvents(events, H1);
    ExportWindow hour = new ExportWindow(H1, H1.plusSeconds(3600));

    gcs.deny(StorageOperation.LIST);
    assertThatThrownBy(() -> reader.open(EVENTS, hour))
        .isInstanceOfSatisfying(StorageAccessDeniedException.class, e -> {
          assertThat(e.permission()).isEqualTo("storage.objects.list");
          assertThat(e.bucket()).isEqualTo(BUCKET);
          assertThat(e.reason()).isEqualTo("StorageAccessDenied");
        })
        .hasMessageContaining("lacks storage.objects.list on gs://" + BUCKET)
        .hasMessageNotContaining("does not have"); // GCS's own text is not copied into status

    gcs.allowAll().deny(StorageOperation.GET_MEDIA);
    StorageLineStream stream = reader.open(EVENTS, hour);
    assertThatThrownBy(stream::next).isInstanceOfSatisfying(StorageAccessDeniedException.class,
        e -> assertThat(e.permission()).isEqualTo("storage.objects.get"));
  }

  @Test
  void aMissingBucketIsNamed() {
    StorageHourReader elsewhere = new StorageHourReader(storage, "no-such-bucket", export.layout());

    assertThatThrownBy(() -> elsewhere.list(EVENTS, H1)).isInstanceOf(BucketNotFoundException.class)
        .hasMessageContaining("gs://no-such-bucket does not exist");
  }

  @Test
  void tooManyRequestsAndServerErrorsAreRetriedWithinTheBudget() {
    events.hour(H1, 30);
    export.writeEvents(events, H1);
    gcs.fail(StorageOperation.LIST, 2, StorageFault.tooManyRequests("0"))
        .fail(StorageOperation.GET_MEDIA, 1, StorageFault.status(503))
        .fail(StorageOperation.GET_MEDIA, 1, StorageFault.truncatedBody(100));

    assertThat(uuids(readAll(reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600))))))
        .containsExactlyElementsOf(expectedUuids(H1));
    assertThat(gcs.requests(StorageOperation.LIST)).extracting(CloudStorageStandIn.Request::status)
        .containsExactly(429, 429, 200);
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).extracting(CloudStorageStandIn.Request::status)
        .containsExactly(503, 0, 206);
  }

  @Test
  void persistentServerErrorsAreSourceUnavailableAfterTheBudget() {
    gcs.createBucket(BUCKET).fail(StorageOperation.LIST, 10, StorageFault.status(503));

    assertThatThrownBy(() -> reader.list(EVENTS, H1)).isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("HTTP 503").hasMessageContaining("nothing was committed");
    assertThat(gcs.requests(StorageOperation.LIST)).hasSize(FAST.maxAttempts());
  }

  @Test
  void anObjectThatAppearsLateIsReadByTheNextListing() {
    events.hour(H1, 5);
    export.writeEvents(events, H1);
    ExportWindow hour = new ExportWindow(H1, H1.plusSeconds(3600));
    StorageLineStream listedBefore = reader.open(EVENTS, hour);

    byte[] late = AmplitudeStorageExport.gzip(List.of("{\"uuid\":\"late-event\"}"));
    gcs.put(BUCKET, export.layout().eventsObject(H1, 1), late);

    assertThat(readAll(listedBefore)).hasSize(5);
    assertThat(uuids(readAll(reader.open(EVENTS, hour)))).hasSize(6).endsWith("late-event");
  }

  @Test
  void anObjectReplacedAfterTheListingIsNotMixedIn() {
    events.hour(H1, 5);
    List<String> names = export.writeEvents(events, H1);
    StorageLineStream stream = reader.open(EVENTS, new ExportWindow(H1, H1.plusSeconds(3600)));
    gcs.put(BUCKET, names.get(0), AmplitudeStorageExport.gzip(List.of("{\"uuid\":\"rewritten\"}")));

    assertThatThrownBy(stream::next).isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("listed but is gone");
  }
}
