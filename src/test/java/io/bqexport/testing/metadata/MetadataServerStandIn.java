package io.bqexport.testing.metadata;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * A stand-in for the metadata server that Workload Identity puts beside a GKE pod (and that Compute Engine has),
 * as far as google-auth's ComputeEngineCredentials uses it
 * (https://cloud.google.com/compute/docs/metadata/querying-metadata,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity):
 * <ul>
 *   <li>every request must carry {@code Metadata-Flavor: Google}, else 403; answers carry the same header, which
 *       is how google-auth's "am I on Google Cloud" ping recognises the server;</li>
 *   <li>{@code /computeMetadata/v1/instance/service-accounts/default/token}: an OAuth access token of the bound
 *       Google service account, {@code {"access_token", "expires_in", "token_type": "Bearer"}};</li>
 *   <li>{@code .../default/email}, {@code /computeMetadata/v1/project/project-id} and
 *       {@code /computeMetadata/v1/universe/universe-domain}.</li>
 * </ul>
 * Issued tokens are handed to the services that must accept them (the BigQuery emulator, the Cloud Storage
 * stand-in) through {@link #trustedBy}. {@link #refuseTokens(int)} makes the token endpoint answer 403 or 404, as
 * a pod whose Kubernetes service account is not bound to a Google service account gets.
 *
 * <p>google-auth finds the server through the {@code GCE_METADATA_HOST} environment variable only (it reads no
 * system property), which a test cannot set in its own JVM: in-process tests pass {@link #transportFactory()}
 * (which sends requests for metadata.google.internal here) to {@code ComputeEngineCredentials.newBuilder()}; a
 * forked process gets {@code GCE_METADATA_HOST=}{@link #host()}.
 */
public final class MetadataServerStandIn implements AutoCloseable {
  public static final String METADATA_HOST = "metadata.google.internal";
  private static final String V1 = "/computeMetadata/v1";
  private static final String TOKEN = V1 + "/instance/service-accounts/default/token";
  private static final String EMAIL = V1 + "/instance/service-accounts/default/email";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String serviceAccount;
  private final String projectId;
  private final List<BiConsumer<String, String>> acceptors = new CopyOnWriteArrayList<>();
  private final List<String> issued = new CopyOnWriteArrayList<>();
  private volatile int refusal;

  private MetadataServerStandIn(String serviceAccount, String projectId) throws IOException {
    this.serviceAccount = serviceAccount;
    this.projectId = projectId;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "metadata-stand-in");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A metadata server for a pod bound to {@code serviceAccount} in {@code projectId}. */
  public static MetadataServerStandIn start(String serviceAccount, String projectId) {
    try {
      return new MetadataServerStandIn(serviceAccount, projectId);
    } catch (IOException e) {
      throw new IllegalStateException("the metadata stand-in could not listen on 127.0.0.1", e);
    }
  }

  /** host:port, the value of GCE_METADATA_HOST for a forked process. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every token issued from now on is also given to {@code acceptor(token, serviceAccount)}. */
  public MetadataServerStandIn trustedBy(BiConsumer<String, String> acceptor) {
    acceptors.add(acceptor);
    return this;
  }

  /** The token endpoint answers {@code status} (403 or 404) from now on; 0 issues tokens again. */
  public MetadataServerStandIn refuseTokens(int status) {
    this.refusal = status;
    return this;
  }

  /** Tokens issued so far. */
  public List<String> issuedTokens() {
    return List.copyOf(issued);
  }

  /** An HTTP transport for google-auth that sends requests for metadata.google.internal to this stand-in. */
  public HttpTransportFactory transportFactory() {
    NetHttpTransport transport = new NetHttpTransport.Builder().setConnectionFactory(url -> {
      URL target = METADATA_HOST.equals(url.getHost())
          ? new URL("http", "127.0.0.1", server.getAddress().getPort(), url.getFile()) : url;
      return (HttpURLConnection) target.openConnection();
    }).build();
    return () -> transport;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().add("Metadata-Flavor", "Google");
      if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
        respond(exchange, 403, "text/html", "Missing Metadata-Flavor:Google header.");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/" -> respond(exchange, 200, "application/text", "computeMetadata/");
        case TOKEN -> token(exchange);
        case EMAIL -> respond(exchange, 200, "application/text", serviceAccount);
        case V1 + "/project/project-id" -> respond(exchange, 200, "application/text", projectId);
        case V1 + "/universe/universe-domain" -> respond(exchange, 200, "application/text", "googleapis.com");
        default -> respond(exchange, 404, "text/html", "Not Found");
      }
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    int status = refusal;
    if (status != 0) {
      respond(exchange, status, "text/plain", status == 404
          ? "Not Found: the Kubernetes service account is not bound to a Google service account"
          : "Forbidden: the Google service account does not allow this workload to impersonate it");
      return;
    }
    String token = "ya29.metadata-" + UUID.randomUUID();
    acceptors.forEach(acceptor -> acceptor.accept(token, serviceAccount));
    issued.add(token);
    respond(exchange, 200, "application/json",
        "{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
