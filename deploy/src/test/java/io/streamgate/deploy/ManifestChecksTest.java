package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.deploy.Doc.Y;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks fail, naming file and object, when a manifest breaks a rule: each test loads the
 * real manifests, breaks one thing in memory and expects the problem that says so.
 */
class ManifestChecksTest {
  private static final String DEPLOYMENT = "k8s/base/gateway/deployment.yaml: Deployment/streamgate-gateway";

  private final Manifests m = Manifests.load(ManifestsTest.deployDir());

  private static void assertReports(List<String> problems, String expected) {
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
        () -> "expected a problem containing\n  " + expected + "\ngot\n  " + String.join("\n  ", problems));
  }

  private Map<String, Object> gatewayContainer() {
    return ManifestChecks.gatewayContainer(ManifestChecks.gatewayPod(m));
  }

  private Map<String, Object> spec(String kind, String name) {
    return Y.map(m.find(kind, name).root(), "spec");
  }

  @Test
  void containerWithoutLimits() {
    Y.map(gatewayContainer(), "resources").remove("limits");
    assertReports(ManifestChecks.resources(m), DEPLOYMENT + " container gateway: no resources.limits.cpu");
  }

  @Test
  void sparkExecutorWithoutMemory() {
    Y.map(spec("SparkApplication", "streamgate-processor"), "executor").remove("memory");
    assertReports(ManifestChecks.resources(m),
        "k8s/base/processor/sparkapplication.yaml: SparkApplication/streamgate-processor: spec.executor.memory is missing");
  }

  @Test
  void rootOrPrivilegedContainer() {
    Y.map(ManifestChecks.gatewayPod(m).spec(), "securityContext").put("runAsNonRoot", false);
    Y.map(gatewayContainer(), "securityContext").remove("runAsNonRoot");
    Y.map(gatewayContainer(), "securityContext").put("allowPrivilegeEscalation", true);
    List<String> problems = ManifestChecks.nonRoot(m);
    assertReports(problems, DEPLOYMENT + " container gateway: runAsNonRoot is not true");
    assertReports(problems, DEPLOYMENT + " container gateway: securityContext.allowPrivilegeEscalation must be false");
  }

  @Test
  void latestOrMissingImageTag() {
    gatewayContainer().put("image", "streamgate/gateway:latest");
    spec("SparkApplication", "streamgate-processor").put("image", "streamgate/stream-processor");
    List<String> problems = ManifestChecks.imageTags(m);
    assertReports(problems, DEPLOYMENT + " container gateway: image streamgate/gateway:latest uses the latest tag");
    assertReports(problems, "SparkApplication/streamgate-processor spec.image: image streamgate/stream-processor has no tag");
  }

  @Test
  void probesOnTheWrongPathOrPort() {
    Map<String, Object> readiness = Y.map(gatewayContainer(), "readinessProbe.httpGet");
    readiness.put("path", "/health/live");
    Y.map(gatewayContainer(), "livenessProbe.httpGet").put("port", 9090);
    List<String> problems = ManifestChecks.gatewayDeployment(m);
    assertReports(problems, DEPLOYMENT + " container gateway: readinessProbe asks /health/live, expected /health/ready");
    assertReports(problems, DEPLOYMENT + " container gateway: livenessProbe port 9090 is not the container's http port 8080");
  }

  @Test
  void metricsAnnotatedOnThePublicPortOrAManagementListenerOnLoopback() {
    Y.map(ManifestChecks.gatewayPod(m).template(), "metadata.annotations")
        .put("prometheus.io/port", "8080");
    Map<String, Object> data = Y.map(m.find("ConfigMap", "streamgate-gateway-config").root(), "data");
    data.put("gateway.yaml", String.valueOf(data.get("gateway.yaml"))
        .replace("host: 0.0.0.0\n  port: 9090", "host: 127.0.0.1\n  port: 9090"));
    List<String> problems = ManifestChecks.gatewayDeployment(m);
    assertReports(problems, DEPLOYMENT + ": prometheus.io/port 8080 is not the management port 9090");
    assertReports(problems, DEPLOYMENT + " container gateway: management.host 127.0.0.1 is loopback");
  }

  @Test
  void graceShorterThanTheGatewaysShutdown() {
    ManifestChecks.gatewayPod(m).spec().put("terminationGracePeriodSeconds", 12);
    assertReports(ManifestChecks.gatewayDeployment(m),
        DEPLOYMENT + ": terminationGracePeriodSeconds 12 must be at least 20");
  }

  @Test
  void invalidGatewayConfigInTheConfigMap() {
    Map<String, Object> data = Y.map(m.find("ConfigMap", "streamgate-gateway-config").root(), "data");
    data.put("gateway.yaml", String.valueOf(data.get("gateway.yaml")).replace("  port: 8080", "  prot: 8080"));
    List<String> problems = ManifestChecks.gatewayConfigs(m, Map.of());
    assertReports(problems, "k8s/base/gateway/configmap.yaml: ConfigMap/streamgate-gateway-config gateway.yaml");
    assertReports(problems, "prot");
  }

  @Test
  void secretFileOutsideTheMountedSecret() {
    for (Map<String, Object> env : Y.maps(gatewayContainer(), "env")) {
      if ("STREAMGATE_JWT_SECRET_FILE".equals(env.get("name"))) {
        env.put("value", "/etc/streamgate/jwt/other.secret");
      }
    }
    assertReports(ManifestChecks.gatewayDeployment(m), DEPLOYMENT
        + " container gateway: env STREAMGATE_JWT_SECRET_FILE=/etc/streamgate/jwt/other.secret names key other.secret");
  }

  @Test
  void ingestProducingToAnUnknownKafka() {
    for (Map<String, Object> env : Y.maps(gatewayContainer(), "env")) {
      if ("STREAMGATE_KAFKA_BOOTSTRAP".equals(env.get("name"))) {
        env.put("value", "kafka:9092");
      }
    }
    assertReports(ManifestChecks.gatewayDeployment(m), DEPLOYMENT
        + " container gateway: ingest.kafka.bootstrapServers kafka:9092 (with STREAMGATE_KAFKA_BOOTSTRAP) is not the bootstrap Service");
  }

  @Test
  void autoscalerOrBudgetAimedElsewhere() {
    Y.map(spec("HorizontalPodAutoscaler", "streamgate-gateway"), "scaleTargetRef").put("name", "gateway");
    Y.map(spec("PodDisruptionBudget", "streamgate-gateway"), "selector.matchLabels")
        .put("app.kubernetes.io/name", "gateway");
    List<String> problems = ManifestChecks.autoscaling(m);
    assertReports(problems, "k8s/base/gateway/hpa.yaml: HorizontalPodAutoscaler/streamgate-gateway: scaleTargetRef");
    assertReports(problems, "k8s/base/gateway/pdb.yaml: PodDisruptionBudget/streamgate-gateway: spec.selector.matchLabels");
    assertReports(problems, DEPLOYMENT + ": no HorizontalPodAutoscaler targets it");
  }

  @Test
  void serviceSelectingNoPods() {
    Y.map(spec("Service", "streamgate-gateway"), "selector").put("app.kubernetes.io/component", "api");
    assertReports(ManifestChecks.selectors(m),
        "k8s/base/gateway/service.yaml: Service/streamgate-gateway: spec.selector");
  }

  @Test
  void sparkApplicationWithoutClusterMasterOrSharedCheckpoints() {
    List<String> args = Y.strings(spec("SparkApplication", "streamgate-processor"), "arguments");
    int master = args.indexOf("--master");
    args.set(master + 1, "local[2]");
    spec("SparkApplication", "streamgate-processor").put("arguments", args);
    spec("PersistentVolumeClaim", "streamgate-checkpoints").put("accessModes", List.of("ReadWriteOnce"));
    List<String> problems = ManifestChecks.sparkApplication(m);
    assertReports(problems, "SparkApplication/streamgate-processor: --master local[2] must be the k8s:// master");
    assertReports(problems, "PersistentVolumeClaim/streamgate-checkpoints: accessModes must include ReadWriteMany");
  }

  @Test
  void pipelineDriftingFromTheLocalOne() {
    Map<String, Object> data = Y.map(m.find("ConfigMap", "streamgate-pipeline").root(), "data");
    data.put("pipeline.yaml", String.valueOf(data.get("pipeline.yaml")).replace("rank: revenue", "rank: total"));
    assertReports(ManifestChecks.pipeline(m, m.readFile("local/pipeline.yaml")),
        "k8s/base/processor/pipeline-configmap.yaml: ConfigMap/streamgate-pipeline pipeline.yaml: view product_revenue differs");
  }

  @Test
  void missingDeadLetterTopic() {
    m.k8s().removeIf(d -> d.is("KafkaTopic") && "orders.dlq".equals(d.name()));
    assertReports(ManifestChecks.pipeline(m, m.readFile("local/pipeline.yaml")),
        "source orders needs KafkaTopic orders.dlq");
  }

  @Test
  void composeWithTwoGatewaysOrAnUncheckedBackend() {
    Map<String, Object> services = Y.map(m.compose().get(0).root(), "services");
    services.remove("gateway-3");
    List<String> problems = ManifestChecks.compose(m,
        m.readFile("compose/haproxy.cfg").replace("gateway-2:8080 check", "gateway-2:8080"));
    assertReports(problems, "compose/compose.yaml: 2 gateway services [gateway-1, gateway-2], expected 3");
    assertReports(problems, "compose/compose.yaml: service lb depends on unknown service gateway-3");
    assertReports(problems, "compose/haproxy.cfg: no `server ... gateway-2:8080 check` line for gateway gateway-2");
  }
}
