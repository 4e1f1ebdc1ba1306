package io.bqexport.testing.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in behaves as the Cloud Storage JSON API documents, through the real google-cloud-storage client.
 * Each test names the documented behaviour it checks.
 */
class CloudStorageStandInContractTest {
  private static final String BUCKET = "amplitude-export";

  private CloudStorageStandIn gcs;
  private Storage storage;

  @BeforeEach
  void start() {
    gcs = CloudStorageStandIn.start().createBucket(BUCKET);
    storage = gcs.client();
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
    gcs.close();
  }

  private void put(String name, String text) {
    gcs.put(BUCKET, name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> names(Page<Blob> page) {
    return StreamSupport.stream(page.iterateAll().spliterator(), false).map(Blob::getName).toList();
  }

  /** objects.list: "prefix: Filter results to objects whose names begin with this prefix", in name order. */
  @Test
  void listReturnsTheObjectsUnderAPrefixInLexicographicOrder() {
    put("events/1/1_2026-11-28_11#0.json.gz", "b");
    put("events/1/1_2026-11-28_1#0.json.gz", "a");
    put("events/1/1_2026-11-28_1#1.json.gz", "c");
    put("other/x", "d");

    // '#' (0x23) sorts before '1' (0x31): hour 1's files come before hour 11's
    assertThat(names(storage.list(BUCKET, BlobListOption.prefix("events/1/1_2026-11-28_1")))).containsExactly(
        "events/1/1_2026-11-28_1#0.json.gz", "events/1/1_2026-11-28_1#1.json.gz",
        "events/1/1_2026-11-28_11#0.json.gz");
    assertThat(names(storage.list(BUCKET, BlobListOption.prefix("events/1/1_2026-11-28_1#"))))
        .containsExactly("events/1/1_2026-11-28_1#0.json.gz", "events/1/1_2026-11-28_1#1.json.gz");
  }

  /**
   * objects.list: "delimiter: Returns results in a directory-like mode, with items[] containing only objects
   * whose names, aside from the prefix, do not contain delimiter. Objects whose names ... contain delimiter will
   * have their name, truncated after the delimiter, returned in prefixes[]. Duplicate prefixes are omitted."
   */
  @Test
  void delimiterCollapsesDeeperNamesIntoPrefixes() {
    put("events/123/a.json.gz", "1");
    put("events/123/b.json.gz", "2");
    put("events/-77/c.json.gz", "3");
    put("events/readme", "4");

    List<Blob> entries = new ArrayList<>();
    storage.list(BUCKET, BlobListOption.prefix("events/"), BlobListOption.delimiter("/")).iterateAll()
        .forEach(entries::add);

    // the client hands out items[] first, then prefixes[]
    assertThat(entries).extracting(Blob::getName).containsExactly("events/readme", "events/-77/", "events/123/");
    assertThat(entries).extracting(Blob::isDirectory).containsExactly(false, true, true);
  }

  /**
   * objects.list: "maxResults: Maximum combined number of entries in items[] and prefixes[] to return in a single
   * page of responses"; "nextPageToken: The continuation token ... Provide this value in a subsequent request to
   * return the next page of results."
   */
  @Test
  void maxResultsPagesThroughPageTokens() {
    for (int i = 0; i < 7; i++) {
      put("p/" + i, "x");
    }
    Page<Blob> first = storage.list(BUCKET, BlobListOption.prefix("p/"), BlobListOption.pageSize(3));

    assertThat(first.getValues()).extracting(Blob::getName).containsExactly("p/0", "p/1", "p/2");
    assertThat(first.getNextPageToken()).isNotEmpty();
    assertThat(names(first)).containsExactly("p/0", "p/1", "p/2", "p/3", "p/4", "p/5", "p/6");
    assertThat(gcs.requests(StorageOperation.LIST)).extracting(CloudStorageStandIn.Request::query)
        .filteredOn(q -> q.contains("pageToken")).hasSize(2);
  }

  /** objects.get returns the object resource: size, generation, checksums, creation time. */
  @Test
  void getReturnsTheObjectResource() {
    CloudStorageStandIn.StoredObjectInfo stored = gcs.put(BUCKET, "a/b#1.json.gz", new byte[] {1, 2, 3});

    Blob blob = storage.get(BlobId.of(BUCKET, "a/b#1.json.gz"));

    assertThat(blob.getSize()).isEqualTo(3);
    assertThat(blob.getGeneration()).isEqualTo(stored.generation());
    assertThat(blob.getContentType()).isEqualTo("application/gzip");
    assertThat(blob.getCrc32c()).isNotEmpty();
    assertThat(blob.getCreateTimeOffsetDateTime()).isNotNull();
  }

  /** objects.get with alt=media returns the bytes; the name's '#' and '/' survive URL encoding. */
  @Test
  void altMediaReturnsTheBytes() {
    put("events/1/1_2026-11-28_17#0.json.gz", "hello, storage");

    byte[] bytes = storage.readAllBytes(BlobId.of(BUCKET, "events/1/1_2026-11-28_17#0.json.gz"));

    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("hello, storage");
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).extracting(CloudStorageStandIn.Request::status)
        .containsExactly(200);
  }

  /** A Range request gets 206 Partial Content with Content-Range (streaming downloads resume this way). */
  @Test
  void rangeRequestsGetPartialContent() throws IOException {
    put("r", "0123456789abcdef");

    try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "r"))) {
      reader.seek(10);
      ByteBuffer buffer = ByteBuffer.allocate(64);
      while (reader.read(buffer) >= 0) {
        // reads to the end
      }
      buffer.flip();
      assertThat(StandardCharsets.UTF_8.decode(buffer).toString()).isEqualTo("abcdef");
    }
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).extracting(CloudStorageStandIn.Request::range)
        .containsExactly("bytes=10-");
    assertThat(gcs.requests(StorageOperation.GET_MEDIA)).extracting(CloudStorageStandIn.Request::status)
        .containsExactly(206);
  }

  /** 404 with GCS's messages: "No such object: bucket/name" and "The specified bucket does not exist." */
  @Test
  void missingObjectsAndBucketsAre404() {
    assertThat(storage.get(BlobId.of(BUCKET, "nothing"))).isNull();
    assertThatThrownBy(() -> storage.readAllBytes(BlobId.of(BUCKET, "nothing")))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(404))
        .hasMessageContaining("No such object: " + BUCKET + "/nothing");
    assertThatThrownBy(() -> storage.list("no-such-bucket").iterateAll().iterator().hasNext())
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(404))
        .hasMessageContaining("The specified bucket does not exist.");
  }

  /** 403 names the missing permission, as GCS does ("... does not have storage.objects.get access ..."). */
  @Test
  void deniedPermissionsAre403NamingThePermission() {
    put("o", "x");
    gcs.deny(StorageOperation.LIST);
    assertThatThrownBy(() -> storage.list(BUCKET).iterateAll().iterator().hasNext())
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("does not have storage.objects.list access to the Google Cloud Storage bucket");

    gcs.allowAll().deny(StorageOperation.GET_MEDIA);
    assertThatThrownBy(() -> storage.readAllBytes(BlobId.of(BUCKET, "o")))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("does not have storage.objects.get access to the Google Cloud Storage object");
  }

  /** 429 and 5xx are retryable (https://cloud.google.com/storage/docs/retry-strategy); the client retries. */
  @Test
  void tooManyRequestsAndServerErrorsAreRetriedByTheClient() {
    put("o", "x");
    gcs.fail(StorageOperation.LIST, 1, StorageFault.tooManyRequests("0"))
        .fail(StorageOperation.LIST, 1, StorageFault.status(503));

    assertThat(names(storage.list(BUCKET))).containsExactly("o");
    assertThat(gcs.requests(StorageOperation.LIST)).extracting(CloudStorageStandIn.Request::status)
        .containsExactly(429, 503, 200);
  }

  @Test
  void persistentServerErrorsSurfaceAfterTheRetryBudget() {
    gcs.fail(StorageOperation.GET_METADATA, 20, StorageFault.status(500));
    put("o", "x");

    assertThatThrownBy(() -> storage.get(BlobId.of(BUCKET, "o")))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(500));
    assertThat(gcs.requests(StorageOperation.GET_METADATA)).hasSize(6);
  }

  /**
   * A body cut short is detected by the client's read channel, which resumes with a Range request from where it
   * stopped (https://cloud.google.com/storage/docs/retry-strategy: downloads are resumable).
   */
  @Test
  void aTruncatedBodyIsResumedWithARangeRequest() throws IOException {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    gcs.put(BUCKET, "big", data);
    gcs.fail(StorageOperation.GET_MEDIA, 1, StorageFault.truncatedBody(70_000));

    ByteBuffer read = ByteBuffer.allocate(data.length + 1);
    try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "big"))) {
      while (reader.read(read) >= 0) {
        // reads to the end
      }
    }
    read.flip();
    assertThat(read).isEqualTo(ByteBuffer.wrap(data));
    List<CloudStorageStandIn.Request> reads = gcs.requests(StorageOperation.GET_MEDIA);
    assertThat(reads).hasSize(2);
    assertThat(reads.get(1).range()).startsWith("bytes=70000-");
  }

  /** Objects are visible as soon as they are written (GCS listing is strongly consistent). */
  @Test
  void anObjectWrittenLaterAppearsInTheNextListing() {
    assertThat(names(storage.list(BUCKET, BlobListOption.prefix("late/")))).isEmpty();
    put("late/1", "x");
    assertThat(names(storage.list(BUCKET, BlobListOption.prefix("late/")))).containsExactly("late/1");
  }

  /** Without a valid bearer token: 401 "Login Required" / "Invalid Credentials". */
  @Test
  void bearerTokenModeRefusesMissingAndUnknownTokens() {
    put("o", "x");
    gcs.requireBearerToken(true);
    gcs.acceptToken("ya29.good", "reader@acme-analytics.iam.gserviceaccount.com");

    assertThatThrownBy(() -> storage.get(BlobId.of(BUCKET, "o")))
        .isInstanceOf(StorageException.class).hasMessageContaining("Login Required");
    // on 401 the client tries to refresh the token; a fixed token cannot be refreshed
    assertThatThrownBy(() -> withToken("ya29.bad").get(BlobId.of(BUCKET, "o")))
        .isInstanceOf(StorageException.class);
    assertThat(gcs.requests()).extracting(CloudStorageStandIn.Request::status).containsOnly(401);

    assertThat(withToken("ya29.good").readAllBytes(BlobId.of(BUCKET, "o"))).containsExactly('x');
  }

  private Storage withToken(String token) {
    return StorageOptions.newBuilder().setHost(gcs.endpoint()).setProjectId("bqexport-test")
        .setCredentials(GoogleCredentials.create(
            new AccessToken(token, Date.from(Instant.now().plusSeconds(3600)))))
        .build().getService();
  }
}
