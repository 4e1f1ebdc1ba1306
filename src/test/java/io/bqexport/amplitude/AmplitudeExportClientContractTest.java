package io.bqexport.amplitude;

import io.bqexport.ExportWindow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.ExportArchiveWriter.EntryMethod;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.amplitude.RecordedRequest;
import io.bqexport.testing.amplitude.StandInFault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The real client against the stand-in, over real sockets. */
class AmplitudeExportClientContractTest {
  private static final Instant HOUR = Instant.parse("2026-11-28T17:00:00Z");
  private static final ExportWindow ONE_HOUR = ExportWindow.ofHour(HOUR);
  private static final RetryPolicy QUICK_RETRIES =
      new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(2));

  private GeneratedEvents events;
  private AmplitudeExportStandIn standIn;
  private RecordingSleeper sleeper;
  private AmplitudeExportClient client;

  @BeforeEach
  void start() {
    events = new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)).eventsPerFile(400);
    events.hour(HOUR, 1000).hour(HOUR.plus(Duration.ofHours(1)), 300);
    standIn = AmplitudeExportStandIn.start(events);
    sleeper = new RecordingSleeper();
    client = clientWith(standIn.credentials());
  }

  private AmplitudeExportClient clientWith(AmplitudeCredentials credentials) {
    AmplitudeClientSettings settings = AmplitudeClientSettings.of(AmplitudeRegion.US, standIn.baseUri(), credentials)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
        .withRetryPolicy(QUICK_RETRIES);
    return new AmplitudeExportClient(settings, sleeper, sleeper);
  }

  @AfterEach
  void stop() {
    client.close();
    standIn.close();
  }

  private List<SourceLine> readAll(ExportWindow window) {
    List<SourceLine> lines = new ArrayList<>();
    client.forEachLine(window, lines::add);
    return lines;
  }

  @ParameterizedTest
  @EnumSource(EntryMethod.class)
  void streamsEveryLineWithItsFileAndLineNumber(EntryMethod method) throws Exception {
    standIn.entryMethod(method);

    List<SourceLine> lines = readAll(new ExportWindow(HOUR, HOUR.plus(Duration.ofHours(2))));

    assertThat(lines).hasSize(1300);
    ObjectMapper json = new ObjectMapper();
    List<String> uuids = new ArrayList<>();
    for (SourceLine line : lines) {
      uuids.add(json.readTree(line.text()).get("uuid").asText());
    }
    assertThat(uuids).containsExactlyElementsOf(
        standIn.expectedUuids(HOUR, HOUR.plus(Duration.ofHours(2))));
    assertThat(lines.get(0).file()).isEqualTo("187520/187520_2026-11-28_17#0.json.gz");
    assertThat(lines.get(0).lineNumber()).isEqualTo(1);
    assertThat(lines.get(400).file()).isEqualTo("187520/187520_2026-11-28_17#1.json.gz");
    assertThat(lines.get(400).lineNumber()).isEqualTo(1);
    assertThat(lines.get(1299).file()).isEqualTo("187520/187520_2026-11-28_18#0.json.gz");
    assertThat(lines.get(1299).lineNumber()).isEqualTo(300);
    assertThat(standIn.exportRequests()).singleElement()
        .extracting(RecordedRequest::query).isEqualTo("start=20261128T17&end=20261128T18");
  }

  @Test
  void responsesWithAContentLengthStreamToo() {
    standIn.contentLength(true);

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
  }

  @Test
  void aTruncatedArchiveWithAMatchingContentLengthIsStillDetected() {
    standIn.contentLength(true).faults().next(1, StandInFault.truncateAfterEntries(3));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(CorruptArchiveException.class);
  }

  @Test
  void aBodyShorterThanItsContentLengthFailsTheWindow() {
    standIn.contentLength(true).faults().next(1, StandInFault.resetMidBody(3000));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(SourceUnavailableException.class);
  }

  @Test
  void reportsFilesLinesAndBytesOfTheArchive() {
    try (ExportLineStream stream = client.open(ONE_HOUR)) {
      while (stream.next() != null) {
        assertThat(stream.linesRead()).isPositive();
      }
      assertThat(stream.filesRead()).isEqualTo(3);
      assertThat(stream.linesRead()).isEqualTo(1000);
      assertThat(stream.archiveBytes()).isPositive();
      assertThat(stream.next()).isNull();
    }
  }

  @Test
  void windowWithoutDataIsEmpty() {
    ExportWindow empty = ExportWindow.ofHour(HOUR.minus(Duration.ofDays(3)));

    assertThat(readAll(empty)).isEmpty();
    assertThat(standIn.exportRequests()).singleElement().extracting(RecordedRequest::status).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 504})
  void tooLargeIsTypedAndNotRetried(int status) {
    standIn.faults().next(1, StandInFault.status(status));

    assertThatThrownBy(() -> readAll(ONE_HOUR))
        .isInstanceOfSatisfying(WindowTooLargeException.class, e -> {
          assertThat(e.reason()).isEqualTo("WindowTooLarge");
          assertThat(e.status()).isEqualTo(status);
          assertThat(e.window()).isEqualTo(ONE_HOUR);
        });
    assertThat(standIn.exportRequests()).hasSize(1);
  }

  @Test
  void sizeLimitOfTheStandInAnswers400() {
    standIn.maxEventsPerRequest(1200);

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
    assertThatThrownBy(() -> readAll(new ExportWindow(HOUR, HOUR.plus(Duration.ofHours(2)))))
        .isInstanceOf(WindowTooLargeException.class);
  }

  @Test
  void honoursRetryAfterSecondsThenSucceeds() {
    standIn.faults().next(2, StandInFault.tooManyRequests("7"));

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    assertThat(standIn.exportRequests()).extracting(RecordedRequest::status).containsExactly(429, 429, 200);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void serverErrorsAreRetriedUntilTheBudgetIsExhausted(int status) {
    standIn.faults().next(10, StandInFault.status(status));

    assertThatThrownBy(() -> readAll(ONE_HOUR))
        .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo("SourceUnavailable");
          assertThat(e.getMessage()).contains("4 attempt(s)", "HTTP " + status);
        });
    assertThat(standIn.exportRequests()).hasSize(4);
    assertThat(sleeper.waits()).hasSize(3).allSatisfy(wait ->
        assertThat(wait).isBetween(Duration.ofMillis(500), Duration.ofSeconds(8)));
  }

  @Test
  void serverErrorThenSuccess() {
    standIn.faults().next(1, StandInFault.status(503)).next(1, StandInFault.status(500));

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
    assertThat(standIn.exportRequests()).extracting(RecordedRequest::status).containsExactly(503, 500, 200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong-secret", ""})
  void wrongCredentialsFailFastWithoutRetry(String secret) {
    try (AmplitudeExportClient wrong = clientWith(new AmplitudeCredentials("test-api-key",
        secret.isEmpty() ? "another" : secret))) {
      assertThatThrownBy(() -> wrong.forEachLine(ONE_HOUR, line -> { }))
          .isInstanceOfSatisfying(AmplitudeAuthException.class, e -> {
            assertThat(e.reason()).isEqualTo("AmplitudeAuthFailed");
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("api-key", "secret-key").doesNotContain("another", secret.isEmpty()
                ? "another" : secret);
          });
    }
    assertThat(standIn.exportRequests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {302, 405, 407})
  void undocumentedStatusesFailWithoutRetryNamingTheEndpoint(int status) {
    standIn.faults().next(1, StandInFault.status(status));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("unexpected HTTP " + status).hasMessageContaining("spec.source.amplitude.endpoint");
    assertThat(standIn.exportRequests()).hasSize(1);
  }

  @Test
  void requestsIdentifyTheClient() {
    readAll(ONE_HOUR);

    assertThat(standIn.exportRequests()).singleElement().satisfies(request ->
        assertThat(request.userAgent()).startsWith("bqexport/"));
  }

  @Test
  void injected401IsAnAuthFailureToo() {
    standIn.faults().next(1, StandInFault.status(401));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(AmplitudeAuthException.class);
    assertThat(standIn.exportRequests()).hasSize(1);
  }

  @Test
  void connectionResetBeforeTheResponseIsRetried() {
    // java.net.http itself retries a GET once when the connection closes before any response; ours come on top
    standIn.faults().next(3, StandInFault.resetBeforeResponse());

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
    assertThat(standIn.exportRequests()).extracting(RecordedRequest::status).containsExactly(0, 0, 0, 200);
    assertThat(sleeper.waits()).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(EntryMethod.class)
  void truncatedMidEntryIsDetected(EntryMethod method) {
    standIn.entryMethod(method).faults().next(1, StandInFault.truncateMidEntry(1));

    assertThatThrownBy(() -> readAll(ONE_HOUR))
        .isInstanceOfSatisfying(CorruptArchiveException.class, e -> {
          assertThat(e.reason()).isEqualTo("ArchiveCorrupt");
          assertThat(e.getMessage()).contains("187520_2026-11-28_17#1.json.gz");
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void truncatedAtAnEntryBoundaryIsDetected(int entries) {
    standIn.faults().next(1, StandInFault.truncateAfterEntries(entries));
    List<SourceLine> delivered = new ArrayList<>();

    assertThatThrownBy(() -> client.forEachLine(ONE_HOUR, delivered::add))
        .isInstanceOfSatisfying(CorruptArchiveException.class, e ->
            assertThat(e.getMessage()).contains("truncated"));
    assertThat(delivered).hasSize(Math.min(1000, entries * 400));
  }

  @Test
  void corruptGzipNamesTheFile() {
    standIn.faults().next(1, StandInFault.corruptGzip(2));

    assertThatThrownBy(() -> readAll(ONE_HOUR))
        .isInstanceOfSatisfying(CorruptArchiveException.class, e ->
            assertThat(e.getMessage()).contains("187520/187520_2026-11-28_17#2.json.gz"));
  }

  @Test
  void connectionDroppedMidBodyFailsTheWindow() {
    standIn.faults().next(1, StandInFault.resetMidBody(5000));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("connection");
  }

  @Test
  void slowTrickleStillCompletes() {
    events.hour(HOUR, 50);
    standIn.faults().next(1, StandInFault.trickle(2048, Duration.ofMillis(2)));

    assertThat(readAll(ONE_HOUR)).hasSize(50);
  }

  @Test
  void stalledBodyHitsTheReadTimeout() {
    standIn.faults().next(1, StandInFault.stall(2000, Duration.ofSeconds(30)));
    AmplitudeClientSettings impatient = client.settings().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    try (AmplitudeExportClient quick = new AmplitudeExportClient(impatient, sleeper, sleeper)) {
      assertThatThrownBy(() -> quick.forEachLine(ONE_HOUR, line -> { }))
          .isInstanceOfSatisfying(SourceUnavailableException.class, e ->
              assertThat(e.getMessage()).contains("stalled", "read timeout"));
    }
  }

  @Test
  void aConsumerSlowerThanTheReadTimeoutIsNotAStall() throws Exception {
    events.hour(HOUR, 3).eventsPerFile(1);
    AmplitudeClientSettings impatient = client.settings().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
    List<SourceLine> lines = new ArrayList<>();
    try (AmplitudeExportClient quick = new AmplitudeExportClient(impatient, sleeper, sleeper);
         ExportLineStream stream = quick.open(ONE_HOUR)) {
      lines.add(stream.next());
      Thread.sleep(1500); // the caller busy elsewhere (e.g. uploading), not reading: not a stalled download
      for (SourceLine line = stream.next(); line != null; line = stream.next()) {
        lines.add(line);
      }
    }
    assertThat(lines).hasSize(3);
  }

  @Test
  void credentialCheckPassesWithTheRightKeys() {
    client.verifyCredentials();

    assertThat(standIn.requests()).singleElement().satisfies(request -> {
      assertThat(request.path()).isEqualTo("/api/2/events/list");
      assertThat(request.status()).isEqualTo(200);
    });
  }

  @Test
  void credentialCheckFailsFastWithWrongKeys() {
    try (AmplitudeExportClient wrong = clientWith(new AmplitudeCredentials("test-api-key", "nope"))) {
      assertThatThrownBy(wrong::verifyCredentials).isInstanceOf(AmplitudeAuthException.class);
    }
    assertThat(standIn.requests()).hasSize(1);
  }

  @Test
  void honoursRetryAfterAsAnHttpDate() {
    String in45Seconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        sleeper.instant().plusSeconds(45).atOffset(ZoneOffset.UTC));
    standIn.faults().next(1, StandInFault.tooManyRequests(in45Seconds));

    assertThat(readAll(ONE_HOUR)).hasSize(1000);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(45));
  }

  @Test
  void aRetryAfterBeyondTheTimeBudgetGivesUpAtOnce() {
    standIn.faults().next(1, StandInFault.tooManyRequests("3600"));

    assertThatThrownBy(() -> readAll(ONE_HOUR)).isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("HTTP 429");
    assertThat(sleeper.waits()).isEmpty();
    assertThat(standIn.exportRequests()).hasSize(1);
  }

  @Test
  void theTimeBudgetBoundsRetriesToo() {
    RetryPolicy manyAttemptsShortBudget =
        new RetryPolicy(100, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));
    standIn.faults().next(100, StandInFault.status(503));
    try (AmplitudeExportClient budgeted = new AmplitudeExportClient(
        client.settings().withRetryPolicy(manyAttemptsShortBudget), sleeper, sleeper)) {
      assertThatThrownBy(() -> budgeted.forEachLine(ONE_HOUR, line -> { }))
          .isInstanceOf(SourceUnavailableException.class);
    }
    assertThat(sleeper.waits().stream().mapToLong(Duration::toMillis).sum()).isLessThanOrEqualTo(30_000);
    assertThat(standIn.exportRequests().size()).isBetween(3, 7);
  }

  @Test
  void credentialCheckRetriesServerErrors() {
    standIn.faults().next(2, StandInFault.status(503));

    client.verifyCredentials();

    assertThat(standIn.requests()).extracting(RecordedRequest::status).containsExactly(503, 503, 200);
  }

  @Test
  void noErrorMessageRevealsTheKeys() {
    AmplitudeCredentials secret = new AmplitudeCredentials("api-key-VISIBLE", "secret-key-VISIBLE");
    List<Throwable> failures = new ArrayList<>();
    try (AmplitudeExportClient wrong = clientWith(secret)) {
      failures.add(catchThrowable(() -> wrong.forEachLine(ONE_HOUR, line -> { })));
      failures.add(catchThrowable(wrong::verifyCredentials));
    }
    standIn.faults().next(10, StandInFault.status(503));
    failures.add(catchThrowable(() -> readAll(ONE_HOUR)));
    standIn.faults().clear();
    standIn.faults().next(1, StandInFault.truncateAfterEntries(1));
    failures.add(catchThrowable(() -> readAll(ONE_HOUR)));

    assertThat(failures).allSatisfy(failure -> {
      assertThat(failure).isInstanceOf(AmplitudeException.class);
      assertThat(failure.toString()).doesNotContain("VISIBLE", "dGVzdC1hcGkta2V5", "YXBpLWtleS1WSVNJQkxF");
    });
  }
}
