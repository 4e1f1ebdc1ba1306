package io.bqexport.testing.bigquery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local BigQuery REST API v2 on DuckDB for tests: the unmodified google-cloud-bigquery client talks to it with
 * {@code setHost(endpoint())}. It also serves the OAuth token endpoint of service-account keys made by
 * {@code io.bqexport.testing.ServiceAccountKeys}.
 *
 * <pre>{@code
 * try (BigQueryEmulator emulator = BigQueryEmulator.start()) {
 *   BigQuery bigquery = emulator.client("my-project");
 *   ...
 * }
 * }</pre>
 */
public final class BigQueryEmulator implements AutoCloseable {
  static {
    // Without TCP_NODELAY every answer waits ~40 ms for the client's delayed ACK (headers and body are separate
    // writes). The JDK server reads this once, when its first instance starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final DuckDb db;
  private final Catalog catalog;
  private final JobStore jobs;
  private final JobExecutor jobRunner;
  private final ScriptRunner scripts;
  private final TableMutations mutations;
  private final UploadSessions uploads;
  private final TokenService tokens;
  private final ApiHandler handler;
  private final FaultInjector faults = new FaultInjector();
  private final EmulatorLimits limits = new EmulatorLimits();

  private BigQueryEmulator(Clock clock) throws IOException {
    db = new DuckDb();
    catalog = new Catalog(db, clock);
    jobs = new JobStore(clock);
    mutations = new TableMutations(limits);
    scripts = new ScriptRunner(db, catalog, mutations, faults);
    uploads = new UploadSessions();
    // google-auth stamps its JWTs and judges token expiry by the process's wall clock, not the test's clock.
    tokens = new TokenService(Clock.systemUTC());
    jobRunner = new JobExecutor(jobs, faults);
    QueryService queries = new QueryService(jobs, jobRunner, scripts, catalog, db);
    LoadService loads = new LoadService(jobs, jobRunner, new NdjsonLoader(db, catalog, limits), uploads, catalog,
        new LoadQuota(limits, clock));
    handler = new ApiHandler(catalog, jobs, queries, loads, tokens, faults);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "bigquery-emulator");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
  }

  /** Starts an emulator on a random loopback port, with the system clock. */
  public static BigQueryEmulator start() {
    return start(Clock.systemUTC());
  }

  /**
   * Starts an emulator whose table expiry and job times follow the given clock: a test that simulates time passes
   * its clock here, so that expirations the code computes from that clock mean what they would mean in BigQuery.
   * Tokens stay on the wall clock, like the client library that requests them.
   */
  public static BigQueryEmulator start(Clock clock) {
    try {
      return new BigQueryEmulator(clock);
    } catch (IOException e) {
      throw new IllegalStateException("BigQuery emulator could not listen on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /** The value for {@code BigQueryOptions.Builder.setHost}, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The token_uri that service-account keys for this emulator carry. */
  public String tokenUri() {
    return endpoint() + "/token";
  }

  /**
   * The real client for a project, with NoCredentials and short retry delays (the client's own retry logic, just
   * faster, so fault-injection tests stay quick).
   */
  public BigQuery client(String projectId) {
    return BigQueryOptions.newBuilder()
        .setHost(endpoint())
        .setProjectId(projectId)
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(fastRetries())
        .build()
        .getService();
  }

  /** Retry settings with the client's attempt count but millisecond delays. */
  public static RetrySettings fastRetries() {
    return RetrySettings.newBuilder()
        .setMaxAttempts(6)
        .setInitialRetryDelayDuration(Duration.ofMillis(5))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofMillis(100))
        .setTotalTimeoutDuration(Duration.ofSeconds(30))
        .setInitialRpcTimeoutDuration(Duration.ofSeconds(30))
        .setMaxRpcTimeoutDuration(Duration.ofSeconds(30))
        .setRpcTimeoutMultiplier(1.0)
        .build();
  }

  /** Fault rules and request hooks. */
  public FaultInjector faults() {
    return faults;
  }

  /** BigQuery's limits as the emulator enforces them; tests may lower them. */
  public EmulatorLimits limits() {
    return limits;
  }

  /** When on, every API call needs {@code Authorization: Bearer <token issued by tokenUri()>}, else 401. */
  public void requireAuthentication(boolean required) {
    handler.requireAuthentication(required);
  }

  /** Lets the token endpoint accept JWTs signed by this key of this service account. */
  public void registerServiceAccountKey(String clientEmail, String privateKeyId, PublicKey publicKey) {
    tokens.register(clientEmail, privateKeyId, publicKey);
  }

  /** Accepts a bearer token issued elsewhere (e.g. by the metadata-server stand-in) as this service account's. */
  public void acceptToken(String token, String clientEmail) {
    tokens.accept(token, clientEmail);
  }

  /**
   * The service account of an unexpired token this emulator issued, or null. Google's OAuth tokens are accepted by
   * every Google API, so other stand-ins (the Transfer Service's) resolve the emulator's tokens through this.
   */
  public String serviceAccountOf(String token) {
    return tokens.emailOf(token);
  }

  /** Deletes a key: new token requests with it fail with invalid_grant, its issued tokens stop working. */
  public void revokeServiceAccountKey(String clientEmail, String privateKeyId) {
    tokens.revoke(clientEmail, privateKeyId);
  }

  /** Creates a dataset in location US directly (a test fixture shortcut). */
  public void createDataset(String project, String dataset) {
    createDataset(project, dataset, "US");
  }

  /** Creates a dataset in the given location (US, EU, europe-west1, ...) directly. */
  public void createDataset(String project, String dataset, String location) {
    ObjectNode body = Json.object().put("location", location);
    body.putObject("datasetReference").put("projectId", project).put("datasetId", dataset);
    catalog.insertDataset(project, body);
  }

  /** Rows in a table; a missing or expired table is an IllegalArgumentException. */
  public long rowCount(String project, String dataset, String table) {
    TableRef ref = new TableRef(project, dataset, table);
    return db.locked(() -> {
      if (catalog.find(ref) == null) {
        throw new IllegalArgumentException("No table " + ref.display() + " in the emulator");
      }
      return catalog.rowCount(ref);
    });
  }

  /** Whether a table exists now (expired tables do not). */
  public boolean tableExists(String project, String dataset, String table) {
    return catalog.find(new TableRef(project, dataset, table)) != null;
  }

  /**
   * Runs BigQuery SQL as project {@code project} (no job is recorded) and returns the last statement's rows.
   * TIMESTAMP values are {@link java.time.Instant}, NUMERIC {@link java.math.BigDecimal}, JSON its text.
   */
  public List<Map<String, Object>> query(String project, String sql) {
    return scripts.run(sql, project, null, QueryParameters.from(null)).result().asMaps();
  }

  /** Mutating DML statements outside transactions that run or wait in the table's queue now. */
  int outstandingMutatingDml(String project, String dataset, String table) {
    return mutations.outstanding(new TableRef(project, dataset, table));
  }

  /** Every query or script that BigQuery's analyzer rejected, as its error message, a newline and the SQL. */
  public List<String> rejectedSql() {
    return scripts.analyzer().rejected();
  }

  /** How many queries or scripts BigQuery's analyzer accepted. */
  public long acceptedSqlCount() {
    return scripts.analyzer().accepted();
  }

  /** Every chunk PUT of every resumable upload, in arrival order (repeats of a range included). */
  public List<UploadChunk> uploadChunks() {
    return uploads.chunks();
  }

  /** Every job in creation order. */
  public List<JobSummary> jobs() {
    List<JobSummary> result = new ArrayList<>();
    for (EmulatorJob job : jobs.all()) {
      var error = job.errorResult();
      result.add(new JobSummary(job.project, job.jobId, job.type, job.state(),
          error == null ? null : error.path("reason").asText(), error == null ? null : error.path("message").asText()));
    }
    return result;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    jobRunner.close();
    uploads.deleteFiles();
    try {
      db.close();
    } catch (java.sql.SQLException e) {
      // closing an in-memory database cannot lose anything
    }
  }
}
