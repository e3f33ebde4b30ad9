package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgate.deploy.Doc.Y;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Reads every Kubernetes object into its typed model (fabric8 for Kubernetes kinds, Strimzi's
 * for Kafka, KafkaNodePool and KafkaTopic), so a field the API does not know (a typo, a field at
 * the wrong level) fails with its path. Both model libraries keep unknown fields in an
 * {@code additionalProperties} map instead of refusing them, so the check walks the model and
 * reports every non-empty one. SparkApplication and Kustomization have no model here.
 */
class ModelsTest {
  static final Map<String, String> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", "io.fabric8.kubernetes.api.model.Namespace"),
      Map.entry("v1/ConfigMap", "io.fabric8.kubernetes.api.model.ConfigMap"),
      Map.entry("v1/Secret", "io.fabric8.kubernetes.api.model.Secret"),
      Map.entry("v1/Service", "io.fabric8.kubernetes.api.model.Service"),
      Map.entry("v1/ServiceAccount", "io.fabric8.kubernetes.api.model.ServiceAccount"),
      Map.entry("v1/PersistentVolumeClaim", "io.fabric8.kubernetes.api.model.PersistentVolumeClaim"),
      Map.entry("apps/v1/Deployment", "io.fabric8.kubernetes.api.model.apps.Deployment"),
      Map.entry("apps/v1/StatefulSet", "io.fabric8.kubernetes.api.model.apps.StatefulSet"),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
          "io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler"),
      Map.entry("policy/v1/PodDisruptionBudget",
          "io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget"),
      Map.entry("rbac.authorization.k8s.io/v1/Role", "io.fabric8.kubernetes.api.model.rbac.Role"),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding",
          "io.fabric8.kubernetes.api.model.rbac.RoleBinding"),
      Map.entry("kafka.strimzi.io/v1beta2/Kafka", "io.strimzi.api.kafka.model.kafka.Kafka"),
      Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool",
          "io.strimzi.api.kafka.model.nodepool.KafkaNodePool"),
      Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic"));
  /** Kinds with no model on this classpath: checked only by ManifestsTest. */
  static final Set<String> UNMODELLED = Set.of(
      "sparkoperator.k8s.io/v1beta2/SparkApplication",
      "kustomize.config.k8s.io/v1beta1/Kustomization");

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** Problems of one object: unknown fields with their paths, or why it does not read. */
  static List<String> check(Doc doc) {
    String type = doc.apiVersion() + "/" + doc.kind();
    String model = MODELS.get(type);
    if (model == null) {
      return UNMODELLED.contains(type) ? List.of() : List.of(doc.where() + ": no model for " + type);
    }
    Object object;
    try {
      object = MAPPER.convertValue(doc.root(), Class.forName(model));
    } catch (IllegalArgumentException | ClassNotFoundException e) {
      return List.of(doc.where() + ": does not read as " + model + ": " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    walk(object, "", problems, new IdentityHashMap<>());
    return problems.stream().map(p -> doc.where() + ": unknown field " + p).toList();
  }

  /** Every non-empty additionalProperties in the model graph, as a dotted path. */
  private static void walk(Object node, String path, List<String> out, Map<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    String pkg = node.getClass().getPackageName();
    if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !name.startsWith("get") || name.equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> out.add((path.isEmpty() ? "" : path.substring(1) + ".") + k));
        }
        continue;
      }
      String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
      walk(value, path + "." + field, out, seen);
    }
  }

  @Test
  void everyObjectReadsIntoItsModelWithoutUnknownFields() {
    Manifests m = Manifests.load(ManifestsTest.deployDir());
    List<String> problems = new ArrayList<>();
    Set<String> unmodelled = new TreeSet<>();
    for (Doc doc : m.k8s()) {
      problems.addAll(check(doc));
      if (UNMODELLED.contains(doc.apiVersion() + "/" + doc.kind())) {
        unmodelled.add(doc.kind());
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    assertEquals(Set.of("Kustomization", "SparkApplication"), unmodelled);
  }

  @Test
  void misplacedOrMisspelledFieldsAreReported() {
    Manifests m = Manifests.load(ManifestsTest.deployDir());
    Doc deployment = m.find("Deployment", "streamgate-gateway");
    Map<String, Object> container = ManifestChecks.gatewayContainer(ManifestChecks.gatewayPod(m));
    container.put("readinesProbe", container.remove("readinessProbe"));
    Y.map(deployment.root(), "spec.template.spec").put("terminationGracePeriod", 30);
    Doc pool = m.find("KafkaNodePool", "dual-role");
    Y.map(pool.root(), "spec").put("replica", 3);
    List<String> problems = new ArrayList<>(check(deployment));
    problems.addAll(check(pool));
    assertTrue(problems.contains(deployment.where()
        + ": unknown field spec.template.spec.containers[0].readinesProbe"), problems::toString);
    assertTrue(problems.contains(deployment.where()
        + ": unknown field spec.template.spec.terminationGracePeriod"), problems::toString);
    assertTrue(problems.contains(pool.where() + ": unknown field spec.replica"), problems::toString);
  }
}
