package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real manifests under deploy/k8s and deploy/compose: every YAML document parses, and the
 * essentials hold. Each failure lists every problem found, one line each, naming file and object.
 */
class ManifestsTest {
  private static Manifests manifests;

  @BeforeAll
  static void load() {
    manifests = Manifests.load(deployDir());
  }

  /** Surefire runs in the module directory, which is deploy/. */
  static Path deployDir() {
    Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    assertTrue(dir.resolve("k8s").toFile().isDirectory(), "no k8s/ under " + dir);
    return dir;
  }

  private static void assertNone(List<String> problems) {
    assertTrue(problems.isEmpty(), () -> problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
  }

  @Test
  void everyManifestParsesIntoTheExpectedObjects() {
    // Parsing happened in load(); this pins what it found, so a file that silently stops being
    // read (renamed, moved, no longer a mapping) fails here.
    List<String> kinds = manifests.k8s().stream().map(Doc::kind).distinct().sorted().toList();
    assertEquals(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Kafka",
        "KafkaNodePool", "KafkaTopic", "Kustomization", "Namespace", "PersistentVolumeClaim",
        "PodDisruptionBudget", "Role", "RoleBinding", "Secret", "Service", "ServiceAccount",
        "SparkApplication", "StatefulSet"), kinds);
    assertEquals(1, manifests.compose().size(), "compose files");
    // The one YAML file that is neither: the gateway configuration the compose gateways mount.
    assertEquals(List.of("compose/gateway.yaml"),
        manifests.otherYaml().stream().map(Doc::file).toList());
  }

  @Test
  void everyContainerHasResourceRequestsAndLimits() {
    assertNone(ManifestChecks.resources(manifests));
  }

  @Test
  void everythingRunsAsNonRootWithoutPrivileges() {
    assertNone(ManifestChecks.nonRoot(manifests));
  }

  @Test
  void everyImageHasAPinnedTag() {
    assertNone(ManifestChecks.imageTags(manifests));
  }

  @Test
  void gatewayDeploymentProbesTheHealthEndpointsAndShutsDownGracefully() {
    assertNone(ManifestChecks.gatewayDeployment(manifests));
  }

  @Test
  void gatewayConfigurationsAreValidForTheGateway() {
    assertNone(ManifestChecks.gatewayConfigs(manifests, Map.of(
        "compose/gateway.yaml", manifests.readFile("compose/gateway.yaml"),
        "images/gateway/etc/streamgate/gateway.yaml",
        manifests.readFile("images/gateway/etc/streamgate/gateway.yaml"))));
  }

  @Test
  void autoscalerAndDisruptionBudgetCoverTheGateway() {
    assertNone(ManifestChecks.autoscaling(manifests));
  }

  @Test
  void selectorsMatchPodLabelsAndPorts() {
    assertNone(ManifestChecks.selectors(manifests));
  }

  @Test
  void volumesAndAccountsReferToObjectsThatExist() {
    assertNone(ManifestChecks.references(manifests));
  }

  @Test
  void processorRunsAsASparkApplication() {
    assertNone(ManifestChecks.sparkApplication(manifests));
  }

  @Test
  void pipelineConfigMapHasTheLocalViewsAndItsTopicsExist() {
    assertNone(ManifestChecks.pipeline(manifests, manifests.readFile("local/pipeline.yaml")));
  }

  @Test
  void kafkaRunsInKraftMode() {
    assertNone(ManifestChecks.kafka(manifests));
  }

  @Test
  void kustomizationListsEveryManifest() {
    assertNone(ManifestChecks.kustomizations(manifests));
  }

  @Test
  void composeRunsThreeGatewaysBehindTheLoadBalancer() {
    assertNone(ManifestChecks.compose(manifests, manifests.readFile("compose/haproxy.cfg")));
  }
}
