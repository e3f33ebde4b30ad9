package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgate.deploy.Doc.Y;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl kustomize} renders the base and each overlay (offline, no cluster needed) into
 * what {@code kubectl apply -k} would send, and the checks of {@link ManifestChecks} hold on that
 * output too: every object in the namespace, the overlay's patches applied as intended. Skipped
 * where kubectl is not installed.
 */
class KustomizeRenderTest {

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/s3-checkpoints"})
  void rendersIntoTheNamespaceAndPassesTheChecks(String kustomization) throws Exception {
    Manifests rendered = render(kustomization);
    List<String> problems = new ArrayList<>();
    for (Doc doc : rendered.k8s()) {
      boolean example = doc.file().endsWith(".example.yaml"); // created with kubectl -n streamgate
      if (!doc.is("Namespace") && !example && !"streamgate".equals(Y.str(doc.root(), "metadata.namespace"))) {
        problems.add(doc.where() + ": rendered without namespace streamgate");
      }
      for (Map<String, Object> subject : Y.maps(doc.root(), "subjects")) {
        if ("ServiceAccount".equals(subject.get("kind")) && !"streamgate".equals(subject.get("namespace"))) {
          problems.add(doc.where() + ": subject " + subject + " has no namespace streamgate");
        }
      }
      problems.addAll(ModelsTest.check(doc));
    }
    problems.addAll(ManifestChecks.resources(rendered));
    problems.addAll(ManifestChecks.nonRoot(rendered));
    problems.addAll(ManifestChecks.imageTags(rendered));
    problems.addAll(ManifestChecks.gatewayDeployment(rendered));
    problems.addAll(ManifestChecks.autoscaling(rendered));
    problems.addAll(ManifestChecks.selectors(rendered));
    problems.addAll(ManifestChecks.references(rendered));
    problems.addAll(ManifestChecks.sparkApplication(rendered));
    assertTrue(problems.isEmpty(), () -> kustomization + ":\n" + String.join("\n", problems));
  }

  @Test
  void baseRendersEveryListedManifest() throws Exception {
    Manifests rendered = render("k8s/base");
    Manifests source = Manifests.load(ManifestsTest.deployDir());
    long applied = source.k8s().stream()
        .filter(d -> d.file().startsWith("k8s/base/"))
        .filter(d -> !d.is("Kustomization") && !d.file().endsWith(".example.yaml")).count();
    long examples = rendered.k8s().stream().filter(d -> d.file().endsWith(".example.yaml")).count();
    assertEquals(applied, rendered.k8s().size() - examples, "rendered objects vs manifests in the base");
  }

  @Test
  void s3OverlayMovesCheckpointsToTheObjectStore() throws Exception {
    Manifests rendered = render("k8s/overlays/s3-checkpoints");
    assertNull(rendered.find("PersistentVolumeClaim", "streamgate-checkpoints"), "checkpoint PVC left");
    Map<String, Object> spec = Y.map(rendered.find("SparkApplication", "streamgate-processor").root(), "spec");
    List<String> args = Y.strings(spec, "arguments");
    assertTrue(args.get(args.indexOf("--checkpoints") + 1).startsWith("s3a://"), args::toString);
    assertTrue(String.valueOf(spec.get("image")).endsWith("-s3a"), "image built with -Ps3a");
    assertTrue(Y.map(spec, "hadoopConf").containsKey("fs.s3a.aws.credentials.provider"));
    assertTrue(Y.maps(spec, "executor.volumeMounts").isEmpty(), "executors mount no checkpoint volume");
  }

  private static Manifests render(String kustomization) throws Exception {
    assumeTrue(kubectlAvailable(), "kubectl not installed");
    String out = run("kubectl", "kustomize", ManifestsTest.deployDir().resolve(kustomization).toString());
    List<Doc> docs = new ArrayList<>();
    for (Map<String, Object> root : Manifests.parse("kubectl kustomize " + kustomization, out)) {
      docs.add(new Doc("rendered " + kustomization, root));
    }
    // The JWT Secret is created by hand (kubectl create secret), never applied: add its example.
    Manifests.load(ManifestsTest.deployDir()).k8s().stream()
        .filter(d -> d.file().endsWith(".example.yaml")).forEach(docs::add);
    return new Manifests(ManifestsTest.deployDir(), docs, List.of(), List.of());
  }

  private static boolean kubectlAvailable() {
    try {
      run("kubectl", "version", "--client");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
