package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.bqexport.ExportWindow;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.bigquery.UploadChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OutputStream a load job's rows stream into, with the real client against the emulator: which chunks go out
 * (the emulator records each PUT), when MID_UPLOAD is reported, and that every byte arrives whichever way it was
 * written. Rows are 64 bytes, so 4,096 of them are exactly one 256 KiB chunk and 1,024 fill the 64 KiB write buffer.
 */
class LoadUploadTest {

  private static final String PROJECT = "acme-analytics";
  private static final String DATASET = "amplitude";
  private static final int CHUNK = 256 * 1024;
  private static final int ROW_BYTES = 64;
  private static final ExportWindow WINDOW = ExportWindow.ofHour(Instant.parse("2026-11-28T00:00:00Z"));

  private final List<CommitStep> steps = new CopyOnWriteArrayList<>();
  /** What the emulator had received when MID_UPLOAD was reported: its chunks, and whether any job existed. */
  private final List<List<UploadChunk>> chunksAtMidUpload = new CopyOnWriteArrayList<>();
  private final List<Integer> jobsAtMidUpload = new CopyOnWriteArrayList<>();
  private BigQueryEmulator emulator;
  private BigQuery bigquery;
  private TableId table;
  private int uploads;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, DATASET);
    bigquery = emulator.client(PROJECT);
    table = TableId.of(PROJECT, DATASET, "rows");
    bigquery.create(TableInfo.of(table, StandardTableDefinition.of(Schema.of(
        Field.of("k", StandardSQLTypeName.STRING), Field.of("s", StandardSQLTypeName.STRING)))));
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private LoadUpload upload() {
    return upload(CHUNK);
  }

  private LoadUpload upload(int chunkSize) {
    WriteChannelConfiguration configuration = WriteChannelConfiguration.newBuilder(table)
        .setFormatOptions(FormatOptions.json()).build();
    return new LoadUpload(bigquery, JobId.of(PROJECT, "load_" + ++uploads), configuration, chunkSize,
        (step, window) -> {
          steps.add(step);
          if (step == CommitStep.MID_UPLOAD) {
            chunksAtMidUpload.add(emulator.uploadChunks());
            jobsAtMidUpload.add(emulator.jobs().size());
          }
        }, WINDOW);
  }

  /** Row i: {"k":"<8 digits>","s":"<padding>"} and a newline, 64 bytes. */
  private static byte[] row(int i) {
    byte[] row = String.format("{\"k\":\"%08d\",\"s\":\"%s\"}\n", i, "x".repeat(40))
        .getBytes(StandardCharsets.UTF_8);
    assertThat(row).hasSize(ROW_BYTES);
    return row;
  }

  private static byte[] rows(int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      out.writeBytes(row(i));
    }
    return out.toByteArray();
  }

  /** Writes {@code count} rows one write call each, as the row writers do, and finishes the upload. */
  private Job uploadRowByRow(int count) throws IOException {
    LoadUpload upload = upload();
    for (int i = 0; i < count; i++) {
      upload.write(row(i));
    }
    return upload.finish();
  }

  private void awaitLoaded(Job job, int rows) {
    Awaitility.await().until(() -> bigquery.getJob(job.getJobId()),
        j -> j.getStatus().getState() == JobStatus.State.DONE);
    assertThat(bigquery.getJob(job.getJobId()).getStatus().getError()).isNull();
    assertThat(emulator.query(PROJECT, "SELECT COUNT(DISTINCT k) AS n, MIN(k) AS lo, MAX(k) AS hi FROM `" + PROJECT
        + "." + DATASET + ".rows`")).singleElement().satisfies(r -> {
          assertThat(r.get("n")).as("every row arrived once").isEqualTo((long) rows);
          assertThat(r.get("lo")).isEqualTo("00000000");
          assertThat(r.get("hi")).isEqualTo(String.format("%08d", rows - 1));
        });
    assertThat(emulator.rowCount(PROJECT, DATASET, "rows")).isEqualTo(rows);
  }

  @Test
  void anUploadSmallerThanAChunkIsOneFinalRequestAndHasNoMiddle() throws IOException {
    Job job = uploadRowByRow(3000); // 192,000 bytes: three buffer drains, the last at finish

    assertThat(emulator.uploadChunks()).containsExactly(new UploadChunk(3000 * ROW_BYTES, true));
    assertThat(steps).as("no chunk went out before the last").isEmpty();
    awaitLoaded(job, 3000);
  }

  @Test
  void chunksOfTheConfiguredSizeGoOutBeforeTheLastAndMidUploadIsReportedOnceAfterTheFirst() throws IOException {
    Job job = uploadRowByRow(10_000); // 640,000 bytes: two whole chunks, then 115,712 bytes

    assertThat(emulator.uploadChunks()).as("the client's default chunk is 15 MiB: the configured size is set")
        .containsExactly(new UploadChunk(CHUNK, false), new UploadChunk(CHUNK, false),
            new UploadChunk(10_000 * ROW_BYTES - 2 * CHUNK, true));
    assertThat(steps).containsExactly(CommitStep.MID_UPLOAD);
    assertThat(chunksAtMidUpload).singleElement().as("reported once the first chunk was received")
        .isEqualTo(List.of(new UploadChunk(CHUNK, false)));
    assertThat(jobsAtMidUpload).as("and before the load job existed").containsExactly(0);
    awaitLoaded(job, 10_000);
  }

  /**
   * The client flushes whenever it holds a whole chunk, and its close() sends nothing when it then holds no byte
   * (google-cloud-bigquery skips a 0-length write): an upload of exactly k chunks would never send the request that
   * completes it, so no load job would exist although every byte went out.
   */
  @Test
  void anUploadOfExactlyOneChunkIsCompletedByItsLastRequestAndHasNoMiddle() throws IOException {
    Job job = uploadRowByRow(CHUNK / ROW_BYTES);

    assertThat(job).as("the upload was completed: a load job exists").isNotNull();
    assertThat(emulator.uploadChunks()).containsExactly(new UploadChunk(CHUNK, true));
    assertThat(steps).as("nothing went out before the last request").isEmpty();
    awaitLoaded(job, CHUNK / ROW_BYTES);
  }

  @Test
  void anUploadOfExactlyTwoChunksIsCompletedByItsLastRequest() throws IOException {
    Job job = uploadRowByRow(2 * CHUNK / ROW_BYTES);

    assertThat(job).as("the upload was completed: a load job exists").isNotNull();
    assertThat(emulator.uploadChunks()).containsExactly(new UploadChunk(CHUNK, false), new UploadChunk(CHUNK, true));
    assertThat(steps).containsExactly(CommitStep.MID_UPLOAD);
    assertThat(chunksAtMidUpload).singleElement().isEqualTo(List.of(new UploadChunk(CHUNK, false)));
    awaitLoaded(job, 2 * CHUNK / ROW_BYTES);
  }

  @Test
  void bytesWrittenOneAtATimeAllArriveAcrossBufferDrains() throws IOException {
    byte[] data = rows(2200); // 140,800 bytes: single bytes fill the 64 KiB buffer twice
    LoadUpload upload = upload();
    for (byte b : data) {
      upload.write(b);
    }

    awaitLoaded(upload.finish(), 2200);
  }

  @Test
  void singleBytesAfterAnArrayThatFilledTheBufferExactlyAllArrive() throws IOException {
    byte[] data = rows(1100);
    LoadUpload upload = upload();
    upload.write(data, 0, 1024 * ROW_BYTES); // exactly the 64 KiB buffer
    for (int i = 1024 * ROW_BYTES; i < data.length; i++) {
      upload.write(data[i]);
    }

    awaitLoaded(upload.finish(), 1100);
  }

  @Test
  void anArrayLargerThanTheBufferArrivesWholeFromOneWriteCall() throws IOException {
    byte[] data = rows(5000); // 320,000 bytes, five buffers' worth
    LoadUpload upload = upload();
    upload.write(data, 0, data.length);

    awaitLoaded(upload.finish(), 5000);
    assertThat(emulator.uploadChunks()).extracting(UploadChunk::bytes).containsExactly(CHUNK, data.length - CHUNK);
  }

  @Test
  void anUploadWithoutBytesCreatesNoJob() throws IOException {
    assertThat(upload().finish()).isNull();

    assertThat(emulator.uploadChunks()).isEmpty();
    assertThat(emulator.jobs()).isEmpty();
    assertThat(steps).isEmpty();
  }

  /**
   * Attack on the exact-chunk fix: totals a byte short of one chunk and a byte past two, and exact multiples of a
   * chunk size the client rounds up (300 KiB is sent as 512 KiB chunks). Rows are 64 bytes but the last, which is
   * cut to reach the total, so the last write straddles wherever the total puts it. Whatever the total, one load job
   * gets every row once, every request but the last is a whole chunk, and the last is not empty.
   */
  @ParameterizedTest
  @CsvSource({"262143, 262144", "524289, 262144", "524288, 307200", "1048576, 307200"})
  void anUploadNearAChunkBoundaryBecomesOneLoadJobWithEveryRow(int totalBytes, int chunkSize) throws IOException {
    int rows = totalBytes / ROW_BYTES;
    int lastRowBytes = ROW_BYTES + totalBytes % ROW_BYTES;
    LoadUpload upload = upload(chunkSize);
    for (int i = 0; i < rows - 1; i++) {
      upload.write(row(i));
    }
    byte[] last = String.format("{\"k\":\"%08d\",\"s\":\"%s\"}\n", rows - 1, "x".repeat(lastRowBytes - 24))
        .getBytes(StandardCharsets.UTF_8);
    upload.write(last);
    Job job = upload.finish();

    assertThat(job).as("the upload was completed: a load job exists").isNotNull();
    List<UploadChunk> chunks = emulator.uploadChunks();
    int sentChunk = (chunkSize + CHUNK - 1) / CHUNK * CHUNK;
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c)
        .isEqualTo(new UploadChunk(sentChunk, false)));
    assertThat(chunks.get(chunks.size() - 1)).satisfies(c -> {
      assertThat(c.last()).isTrue();
      assertThat(c.bytes()).isPositive();
    });
    assertThat(chunks.stream().mapToInt(UploadChunk::bytes).sum()).as("every byte sent once").isEqualTo(totalBytes);
    awaitLoaded(job, rows);
  }
}
