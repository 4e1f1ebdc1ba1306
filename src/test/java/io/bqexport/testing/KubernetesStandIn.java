package io.bqexport.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The Kubernetes API for tests: fabric8's mock server in CRUD mode on a loopback port, with the committed CRDs
 * installed, recording every request so tests can derive what the operator needs (e.g. its RBAC).
 */
public final class KubernetesStandIn implements AutoCloseable {

  /** User agent of the operator's own client, to tell its requests from the test's. */
  public static final String OPERATOR_USER_AGENT = "bqexport-operator-under-test";

  /** One API request as the server saw it; {@code body} is empty for requests without one. */
  public record ApiRequest(String method, String path, String userAgent, String body, String accept) {
    public boolean byOperator() {
      return OPERATOR_USER_AGENT.equals(userAgent);
    }
  }

  private static final String SELF_SUBJECT_RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
  /** What a SelfSubjectRulesReview answers for a namespace; by default nothing is granted. */
  private volatile Function<String, List<ResourceRule>> grantedRules = namespace -> List.of();
  /** A write the API refuses, as a validating admission webhook would. */
  private record Rejection(String method, java.util.regex.Pattern path, int code, String message) {}

  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
  private final LaggingWatches lag = new LaggingWatches();
  private final KubernetesMockServer server;
  private final KubernetesCrudDispatcher dispatcher;
  private final KubernetesClient client;

  /** The mock server logs every request at INFO through java.util.logging; that drowns out what matters. Held in a
   * field because java.util.logging keeps loggers only weakly, and a collected logger forgets its level. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private volatile boolean podPhaseSelector;

  public KubernetesStandIn() {
    dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        // getBytes() leaves the body for the CRUD dispatcher; readUtf8() would consume it.
        String body = request.getBody() == null ? ""
            : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
        requests.add(new ApiRequest(request.getMethod(), request.getPath(), request.getHeader("User-Agent"), body,
            request.getHeader("Accept")));
        for (Rejection r : rejections) {
          if (r.method().equals(request.getMethod()) && r.path().matcher(request.getPath()).matches()) {
            return new MockResponse().setResponseCode(r.code()).setHeader("Content-Type", "application/json")
                .setBody(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(new io.fabric8.kubernetes.api.model.StatusBuilder()
                    .withStatus("Failure").withCode(r.code())
                    .withReason(r.code() == 403 ? "Forbidden" : r.code() == 422 ? "Invalid" : "BadRequest")
                    .withMessage(r.message()).build()));
          }
        }
        if ("POST".equals(request.getMethod()) && request.getPath().startsWith(SELF_SUBJECT_RULES_REVIEWS)) {
          return reviewRules(body);
        }
        try {
          java.util.Set<String> phases = podPhaseSelector ? PodPhaseSelector.excluded(request.getPath())
              : java.util.Set.of();
          MockResponse response = super.dispatch(request);
          if (!phases.isEmpty() && "GET".equals(request.getMethod()) && response.getBody() != null
              && !request.getPath().contains("watch=true")) {
            response.setBody(PodPhaseSelector.filterList(response.getBody().readUtf8(), phases));
          }
          return response;
        } catch (io.fabric8.zjsonpatch.JsonPatchException e) {
          return unprocessable(e);
        }
      }

      @Override
      public MockResponse handleWatch(String path) {
        MockResponse watch = super.handleWatch(path);
        java.util.Set<String> phases = podPhaseSelector ? PodPhaseSelector.excluded(path) : java.util.Set.of();
        return watch.withWebSocketUpgrade(lag.wrap(path, phases.isEmpty() ? watch.getWebSocketListener()
            : PodPhaseSelector.wrap(watch.getWebSocketListener(), phases)));
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Crds.load().forEach(this::install);
  }

  /**
   * A 409 means an earlier attempt of this very request landed: on a loaded machine (a mutation run beside the tests)
   * the first POST can outlast the client's request timeout, and fabric8 sends it again.
   */
  private void install(io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd) {
    try {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409
          || client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
        throw e;
      }
    }
  }

  /**
   * Answers SelfSubjectRulesReviews (which JOSDK's leader election sends to check its Lease rights) with
   * {@code rules(namespace)}, as the API server answers with the caller's rules in spec.namespace.
   */
  public KubernetesStandIn grantedRules(Function<String, List<ResourceRule>> rules) {
    grantedRules = rules;
    return this;
  }

  private MockResponse reviewRules(String body) {
    SelfSubjectRulesReview review = client.getKubernetesSerialization().unmarshal(body, SelfSubjectRulesReview.class);
    review.setStatus(new SubjectRulesReviewStatusBuilder().withIncomplete(false)
        .withResourceRules(grantedRules.apply(review.getSpec().getNamespace())).build());
    return new MockResponse().setResponseCode(201).setBody(client.getKubernetesSerialization().asJson(review));
  }

  /**
   * A JSON patch (RFC 6902) that does not apply to the stored object: the API server answers 422 Unprocessable Entity
   * with the patch library's error (apiserver handlers/patch.go, applyJSPatch); the mock server would fail the
   * request with an unhandled exception instead.
   */
  private static MockResponse unprocessable(RuntimeException e) {
    return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
        .setBody(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(
            new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure").withCode(422)
                .withReason("Invalid").withMessage(e.getMessage()).build()));
  }

  /**
   * From now on, lists and watches of Pods honour a status.phase!=X field selector as the API server does
   * ({@link PodPhaseSelector}); fabric8's CRUD mock ignores it. Opt-in so far: informers started earlier keep what
   * they have.
   */
  public void honourPodPhaseSelector() {
    podPhaseSelector = true;
  }

  /**
   * From now on, watches of {@code resource} (a plural, e.g. "bigquerybackfills") hold back their MODIFIED events,
   * as a watch that lags behind the API under load: informers keep their older copy until {@link #releaseWatches}.
   */
  public void holdWatchUpdates(String resource) {
    lag.hold(resource);
  }

  /** Delivers the held watch events, in order. */
  public void releaseWatches() {
    lag.release();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A separate client whose requests are marked as the operator's. */
  public KubernetesClient newOperatorClient() {
    return server.createClient(b -> b.editOrNewConfig().withUserAgent(OPERATOR_USER_AGENT).endConfig());
  }

  public KubernetesStandIn namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return this;
  }

  /** Creates every object of a YAML file (e.g. a sample) in a namespace, as `kubectl apply -n` would. */
  public List<HasMetadata> apply(Path yaml, String namespace) {
    try (InputStream in = Files.newInputStream(yaml)) {
      List<HasMetadata> objects = client.load(in).items();
      return objects.stream().map(o -> (HasMetadata) client.resource(o).inNamespace(namespace).create()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the API refuse matching writes as a validating admission webhook does: the API server answers with the
   * webhook's status code (403 unless the webhook sets one) and the message
   * {@code admission webhook "<name>" denied the request: <reason>}
   * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response).
   */
  public KubernetesStandIn denyByWebhook(String method, String pathRegex, String webhook, String reason) {
    rejections.add(new Rejection(method, java.util.regex.Pattern.compile(pathRegex), 403,
        "admission webhook \"" + webhook + "\" denied the request: " + reason));
    return this;
  }

  /**
   * Makes the API refuse matching writes as it refuses an object that breaks its CRD's OpenAPI schema: 422
   * Unprocessable Entity, reason Invalid, and a message naming the field, e.g.
   * {@code BigQueryExport.bqexport.io "x" is invalid: status.conditions[0].message: Too long: may not be longer than
   * 32768} (apiserver's StatusReasonInvalid; the CRD validation docs: "validation failures return 422").
   */
  public KubernetesStandIn rejectAsInvalid(String method, String pathRegex, String message) {
    rejections.add(new Rejection(method, java.util.regex.Pattern.compile(pathRegex), 422, message));
    return this;
  }

  public void allowAll() {
    rejections.clear();
  }

  /**
   * Stores objects as they are, without an API request, as if controllers had created them earlier (the
   * benchmark's run history: hundreds of thousands of Jobs and Pods, which the CRUD mock, scanning every stored
   * object on each request, would take hours to create one by one). Each object needs its uid and
   * creationTimestamp; it gets resourceVersion 1 and, without one,
   * generation 1. Watches started later see them in their initial list only.
   */
  public void preload(java.util.Collection<? extends HasMetadata> objects) {
    var serialization = client.getKubernetesSerialization();
    var extractor = dispatcher.getAttributeExtractor();
    for (HasMetadata object : objects) {
      object.getMetadata().setResourceVersion("1");
      if (object.getMetadata().getGeneration() == null) {
        object.getMetadata().setGeneration(1L); // as the API server sets it on create; the mock's PATCH needs it
      }
      String json = serialization.asJson(object);
      String apiVersion = object.getApiVersion();
      String path = (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion + "/namespaces/"
          + object.getMetadata().getNamespace() + "/" + HasMetadata.getPlural(object.getClass());
      // As the dispatcher stores a created object: the path's attributes (plural) with the object's.
      dispatcher.getMap().put(io.fabric8.mockwebserver.crud.AttributeSet.merge(dispatcher.getKey(path),
          extractor.fromResource(json)), json);
    }
  }

  public List<ApiRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
