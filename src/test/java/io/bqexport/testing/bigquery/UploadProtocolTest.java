package io.bqexport.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The resumable upload wire protocol byte by byte, for clients other than the Java one. */
class UploadProtocolTest {
  private static final String PROJECT = "acme-analytics";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static BigQueryEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = BigQueryEmulator.start();
    emulator.createDataset(PROJECT, "amplitude");
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static String loadJob(String jobId, String table) {
    return "{\"jobReference\":{\"projectId\":\"" + PROJECT + "\",\"jobId\":\"" + jobId + "\"},"
        + "\"configuration\":{\"load\":{\"sourceFormat\":\"NEWLINE_DELIMITED_JSON\","
        + "\"destinationTable\":{\"projectId\":\"" + PROJECT + "\",\"datasetId\":\"amplitude\",\"tableId\":\""
        + table + "\"},\"schema\":{\"fields\":[{\"name\":\"n\",\"type\":\"INT64\"}]}}}}";
  }

  private static HttpResponse<String> initiate(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/upload/bigquery/v2/projects/"
            + PROJECT + "/jobs?uploadType=resumable"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(String location, String range, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(location))
        .header("Content-Range", range)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void chunksGet308WithRangeRepeatedRangesAreIdempotentAndAnEmptyFinalRequestCompletes() throws Exception {
    byte[] data = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> init = initiate(loadJob("protocol-1", "protocol"));
    assertThat(init.statusCode()).isEqualTo(200);
    String location = init.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(emulator.endpoint() + "/upload/bigquery/v2/projects/" + PROJECT + "/jobs?");

    HttpResponse<String> first = put(location, "bytes 0-7/*", Arrays.copyOfRange(data, 0, 8));
    assertThat(first.statusCode()).isEqualTo(308);
    assertThat(first.headers().firstValue("Range")).contains("bytes=0-7");

    // The same range again (a retry after a lost answer), then an overlapping one: nothing is duplicated.
    assertThat(put(location, "bytes 0-7/*", Arrays.copyOfRange(data, 0, 8)).statusCode()).isEqualTo(308);
    HttpResponse<String> overlap = put(location, "bytes 4-23/*", Arrays.copyOfRange(data, 4, 24));
    assertThat(overlap.headers().firstValue("Range")).contains("bytes=0-23");

    HttpResponse<String> done = put(location, "bytes */24", new byte[0]);
    assertThat(done.statusCode()).isEqualTo(200);
    JsonNode job = Json.MAPPER.readTree(done.body());
    // The final chunk answers the new job before it ran: statistics come only when it is DONE.
    assertThat(job.path("status").path("state").asText()).isEqualTo("PENDING");
    assertThat(job.path("statistics").has("load")).isFalse();
    var finished = UploadContractTest.awaitDone(emulator.client(PROJECT),
        com.google.cloud.bigquery.JobId.of("protocol-1"));
    assertThat(((com.google.cloud.bigquery.JobStatistics.LoadStatistics) finished.getStatistics()).getOutputRows())
        .isEqualTo(3);
    assertThat(emulator.rowCount(PROJECT, "amplitude", "protocol")).isEqualTo(3);

    HttpResponse<String> again = put(location, "bytes */24", new byte[0]);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(again.body()).path("jobReference").path("jobId").asText()).isEqualTo("protocol-1");
    assertThat(emulator.rowCount(PROJECT, "amplitude", "protocol")).isEqualTo(3);
  }

  @Test
  void gapInTheRangeIsRejected() throws Exception {
    String location = initiate(loadJob("protocol-gap", "gap")).headers().firstValue("Location").orElseThrow();
    HttpResponse<String> gap = put(location, "bytes 8-15/*", new byte[8]);
    assertThat(gap.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(gap.body()).path("error").path("errors").get(0).path("reason").asText())
        .isEqualTo("invalid");
  }

  @Test
  void initiationWithATakenJobIdAnswers409DuplicateWithErrorBody() throws Exception {
    String location = initiate(loadJob("protocol-dup", "dup")).headers().firstValue("Location").orElseThrow();
    put(location, "bytes 0-7/8", "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> duplicate = initiate(loadJob("protocol-dup", "dup"));

    assertThat(duplicate.statusCode()).isEqualTo(409);
    JsonNode error = Json.MAPPER.readTree(duplicate.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(409);
    assertThat(error.path("errors").get(0).path("reason").asText()).isEqualTo("duplicate");
    assertThat(error.path("message").asText()).isEqualTo("Already Exists: Job acme-analytics:US.protocol-dup");
  }

  @Test
  void twoUnfinishedUploadsWithOneJobIdMayCoexistAndTheSecondToFinishGets409() throws Exception {
    String a = initiate(loadJob("protocol-race", "race")).headers().firstValue("Location").orElseThrow();
    String b = initiate(loadJob("protocol-race", "race")).headers().firstValue("Location").orElseThrow();
    byte[] row = "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8);

    assertThat(put(a, "bytes 0-7/8", row).statusCode()).isEqualTo(200);
    assertThat(put(b, "bytes 0-7/8", row).statusCode()).isEqualTo(409);
    UploadContractTest.awaitDone(emulator.client(PROJECT), com.google.cloud.bigquery.JobId.of("protocol-race"));
    assertThat(emulator.rowCount(PROJECT, "amplitude", "race")).isEqualTo(1);
  }
}
