package io.bqexport.testing.transfer;

import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.storage.Storage;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.testing.storage.CloudStorageStandIn;
import io.bqexport.transfer.TransferClient;
import io.bqexport.transfer.TransferClientSettings;
import io.bqexport.transfer.TransferClients;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A BigQuery Data Transfer Service stand-in: an in-process gRPC server ({@link TransferServiceHandler}) that the
 * real {@code DataTransferServiceClient} reaches through {@link #channelProvider()}, the same seam production uses
 * ({@link TransferClientSettings#over}). Runs load from the Cloud Storage stand-in into the BigQuery emulator.
 *
 * <p>Callers authenticate with a bearer token ({@link #credentials(String)}); each token maps to a principal, and
 * each principal holds a set of IAM permissions ({@link #grant}). Without a known token the service answers
 * UNAUTHENTICATED, without the permission PERMISSION_DENIED, as the real service does. {@link #disableService}
 * makes every call answer as a project whose API is disabled.
 */
public final class TransferServiceStandIn implements AutoCloseable {
  static final Context.Key<String> PRINCIPAL = Context.key("principal");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The identity runs load as: the BigQuery Data Transfer Service's service agent. */
  public static final String SERVICE_AGENT = "service-0@gcp-sa-bigquerydatatransfer.iam.gserviceaccount.com";

  private final String serverName = "transfer-stand-in-" + UUID.randomUUID();
  private final Server server;
  private final ManagedChannel channel;
  private final TransferServiceHandler handler;
  private final Map<String, String> principalsByToken = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> permissions = new ConcurrentHashMap<>();
  private final Set<String> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Function<String, String> tokenAuthority = token -> null;
  private volatile boolean serviceDisabled;
  private final Set<String> quotaExhausted = ConcurrentHashMap.newKeySet();
  private final Map<String, java.util.concurrent.atomic.AtomicLong> calls = new ConcurrentHashMap<>();

  private TransferServiceStandIn(Clock clock, Storage gcs, BigQueryEmulator bigQuery) throws IOException {
    Map<String, BigQuery> clients = new ConcurrentHashMap<>();
    // The service loads as its own service agent, not as the caller; an emulator that requires tokens gets one.
    String agentToken = "transfer-service-agent-" + UUID.randomUUID();
    bigQuery.acceptToken(agentToken, SERVICE_AGENT);
    Function<String, BigQuery> client = project -> clients.computeIfAbsent(project, p -> BigQueryOptions.newBuilder()
        .setHost(bigQuery.endpoint()).setProjectId(p).setCredentials(credentials(agentToken))
        .setRetrySettings(BigQueryEmulator.fastRetries()).build().getService());
    handler = new TransferServiceHandler(this, clock, new TransferRunLoader(gcs, client::apply), client::apply);
    server = InProcessServerBuilder.forName(serverName)
        .addService(ServerInterceptors.intercept(handler, new Authentication()))
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(serverName).build();
  }

  /** A stand-in whose runs read {@code gcs} and load into {@code bigQuery}; "now" for run-time checks is clock's. */
  public static TransferServiceStandIn start(Clock clock, CloudStorageStandIn gcs, BigQueryEmulator bigQuery) {
    try {
      return new TransferServiceStandIn(clock, gcs.client(), bigQuery);
    } catch (IOException e) {
      throw new IllegalStateException("the Transfer Service stand-in did not start", e);
    }
  }

  /** The channel seam: a fixed in-process channel for {@code DataTransferServiceSettings}. */
  public TransportChannelProvider channelProvider() {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  /** Credentials that send {@code token} as a bearer token (it never expires, so no refresh is attempted). */
  public static GoogleCredentials credentials(String token) {
    return GoogleCredentials.create(new AccessToken(token, null));
  }

  /** bqexport's client over the in-process channel, authenticated as the principal of {@code token}. */
  public TransferClient client(String token) {
    return TransferClient.create(TransferClientSettings.over(channelProvider(), credentials(token)));
  }

  /** Accepts {@code token} as {@code principal}. */
  public TransferServiceStandIn acceptToken(String token, String principal) {
    principalsByToken.put(token, principal);
    return this;
  }

  /**
   * Also accepts the tokens {@code authority} resolves to a principal, e.g. {@link BigQueryEmulator#serviceAccountOf}
   * for tokens issued to service-account keys: Google's OAuth tokens are good for every Google API.
   */
  public TransferServiceStandIn trustTokensOf(Function<String, String> authority) {
    this.tokenAuthority = authority;
    return this;
  }

  /** Opens bqexport's clients with the given credentials over the in-process channel: the operator's seam. */
  public TransferClients clients() {
    return credentials -> TransferClient.create(TransferClientSettings.over(channelProvider(), credentials));
  }

  /** Grants IAM permissions (e.g. bigquery.transfers.get) to a principal, replacing what it had. */
  public TransferServiceStandIn grant(String principal, String... granted) {
    permissions.put(principal, Set.of(granted));
    return this;
  }

  /** Every call answers as if the BigQuery Data Transfer API were not enabled in the project. */
  public TransferServiceStandIn disableService(boolean disabled) {
    this.serviceDisabled = disabled;
    return this;
  }

  /** The service's state: configs and runs, for assertions and for simulating the scheduler. */
  public TransferServiceHandler service() {
    return handler;
  }

  boolean serviceDisabled() {
    return serviceDisabled;
  }

  /**
   * Every permitted call on the project's resources answers RESOURCE_EXHAUSTED, as Google APIs do when a quota or
   * rate limit is reached (HTTP 429, "Either out of resource quota or reaching rate limiting":
   * https://cloud.google.com/apis/design/errors); quotas are per project.
   */
  public TransferServiceStandIn exhaustQuota(String project, boolean exhausted) {
    if (exhausted) {
      quotaExhausted.add(project);
    } else {
      quotaExhausted.remove(project);
    }
    return this;
  }

  boolean quotaExhausted(String project) {
    return quotaExhausted.contains(project);
  }

  /**
   * Removes every permission of the principal in one project only, as removing its role binding on that project
   * does (IAM grants roles per resource: https://cloud.google.com/iam/docs/overview#policies).
   */
  public TransferServiceStandIn revokeInProject(String principal, String project) {
    revoked.add(principal + " " + project);
    return this;
  }

  boolean permitted(String principal, String permission, String project) {
    return principal != null && permissions.getOrDefault(principal, Set.of()).contains(permission)
        && !revoked.contains(principal + " " + project);
  }

  /** How many calls of a method (e.g. "ListTransferConfigs") reached the service so far. */
  public long calls(String method) {
    var count = calls.get(method);
    return count == null ? 0 : count.get();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    handler.close();
  }

  /** Reads the bearer token into the call's context; an unknown token leaves no principal (UNAUTHENTICATED). */
  private final class Authentication implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      calls.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(),
          m -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
      String authorization = headers.get(AUTHORIZATION);
      String token = authorization != null && authorization.startsWith("Bearer ")
          ? authorization.substring("Bearer ".length()) : null;
      String principal = token == null ? null
          : principalsByToken.getOrDefault(token, tokenAuthority.apply(token));
      Context context = principal == null ? Context.current() : Context.current().withValue(PRINCIPAL, principal);
      return Contexts.interceptCall(context, call, headers, next);
    }
  }
}
