package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * {@code kubectl kustomize deploy/k8s/base} renders (offline, no cluster needed) into what
 * {@code kubectl apply -k} would send: every object in the namespace, the gateway image as set by
 * {@code images:}. Skipped where kubectl is not installed.
 */
class KustomizeRenderTest {

  @Test
  void baseRendersEveryObjectIntoTheNamespace() throws Exception {
    assumeTrue(kubectlAvailable(), "kubectl not installed");
    String rendered = run("kubectl", "kustomize", ManifestsTest.deployDir().resolve("k8s/base").toString());
    List<Doc> docs = new ArrayList<>();
    for (Map<String, Object> root : Manifests.parse("kubectl kustomize k8s/base", rendered)) {
      docs.add(new Doc("rendered", root));
    }
    Manifests source = Manifests.load(ManifestsTest.deployDir());
    long applied = source.k8s().stream()
        .filter(d -> !d.is("Kustomization") && !d.file().endsWith(".example.yaml")).count();
    assertEquals(applied, docs.size(), "rendered objects vs manifests listed in the kustomization");
    List<String> problems = new ArrayList<>();
    for (Doc doc : docs) {
      if (!doc.is("Namespace") && !"streamgate".equals(Y.str(doc.root(), "metadata.namespace"))) {
        problems.add(doc.where() + ": rendered without namespace streamgate");
      }
      for (Map<String, Object> subject : Y.maps(doc.root(), "subjects")) {
        if ("ServiceAccount".equals(subject.get("kind")) && !"streamgate".equals(subject.get("namespace"))) {
          problems.add(doc.where() + ": subject " + subject + " has no namespace streamgate");
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
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
