package io.streamgate.deploy;

import io.streamgate.deploy.Doc.Y;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks {@link ManifestsTest} runs over the real manifests and {@link ManifestChecksTest}
 * over broken ones. Each returns its problems, one line each, naming the file and the object
 * ("k8s/base/gateway/deployment.yaml: Deployment/streamgate-gateway container gateway: ...");
 * an empty list means the check holds.
 */
final class ManifestChecks {
  static final String GATEWAY_IMAGE = "streamgate/gateway";
  static final String PROCESSOR_MAIN = "io.streamgate.processor.ProcessorMain";
  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod");

  private ManifestChecks() {}

  /** A pod template and the object that owns it. */
  record Pod(Doc owner, Map<String, Object> template) {
    Map<String, Object> spec() {
      return Y.map(template, "spec");
    }

    Map<String, Object> labels() {
      return Y.map(template, "metadata.labels");
    }

    List<Map<String, Object>> containers() {
      List<Map<String, Object>> all = new ArrayList<>(Y.maps(spec(), "initContainers"));
      all.addAll(Y.maps(spec(), "containers"));
      return all;
    }

    String where(Map<String, Object> container) {
      return owner.where() + " container " + Y.str(container, "name");
    }
  }

  static List<Pod> pods(Manifests m) {
    List<Pod> pods = new ArrayList<>();
    for (Doc doc : m.k8s()) {
      if (!WORKLOADS.contains(doc.kind())) {
        continue;
      }
      Map<String, Object> template = switch (doc.kind()) {
        case "Pod" -> doc.root();
        case "CronJob" -> Y.map(doc.root(), "spec.jobTemplate.spec.template");
        default -> Y.map(doc.root(), "spec.template");
      };
      pods.add(new Pod(doc, template));
    }
    return pods;
  }

  // ---------------------------------------------------------------- resources

  static List<String> resources(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Pod pod : pods(m)) {
      for (Map<String, Object> c : pod.containers()) {
        for (String field : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
          if (Y.get(c, "resources." + field) == null) {
            problems.add(pod.where(c) + ": no resources." + field);
          }
        }
      }
    }
    for (Doc app : m.ofKind("SparkApplication")) {
      for (String role : List.of("driver", "executor")) {
        for (String field : List.of("cores", "coreLimit", "memory")) {
          if (Y.get(app.root(), "spec." + role + "." + field) == null) {
            problems.add(app.where() + ": spec." + role + "." + field
                + " is missing (the pod's CPU request/limit and memory)");
          }
        }
      }
    }
    for (Doc pool : m.ofKind("KafkaNodePool")) {
      for (String field : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
        if (Y.get(pool.root(), "spec.resources." + field) == null) {
          problems.add(pool.where() + ": no spec.resources." + field);
        }
      }
    }
    for (Doc kafka : m.ofKind("Kafka")) {
      for (String op : List.of("topicOperator", "userOperator")) {
        Object operator = Y.get(kafka.root(), "spec.entityOperator." + op);
        if (operator != null && Y.get(operator, "resources.limits.memory") == null) {
          problems.add(kafka.where() + ": spec.entityOperator." + op + " has no resources.limits");
        }
      }
    }
    for (Doc compose : m.compose()) {
      Y.map(compose.root(), "services").forEach((name, service) -> {
        for (String field : List.of("limits.cpus", "limits.memory", "reservations.cpus",
            "reservations.memory")) {
          if (Y.get(service, "deploy.resources." + field) == null) {
            problems.add(compose.file() + ": service " + name + ": no deploy.resources." + field);
          }
        }
      });
    }
    return problems;
  }

  // ---------------------------------------------------------------- security

  static List<String> nonRoot(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Pod pod : pods(m)) {
      boolean podNonRoot = Y.isTrue(pod.spec(), "securityContext.runAsNonRoot");
      if (isRootUser(Y.get(pod.spec(), "securityContext.runAsUser"))) {
        problems.add(pod.owner().where() + ": securityContext.runAsUser is 0 (root)");
      }
      for (Map<String, Object> c : pod.containers()) {
        problems.addAll(containerSecurity(pod.where(c), Y.map(c, "securityContext"), podNonRoot));
      }
    }
    for (Doc app : m.ofKind("SparkApplication")) {
      for (String role : List.of("driver", "executor")) {
        Map<String, Object> spec = Y.map(app.root(), "spec." + role);
        boolean podNonRoot = Y.isTrue(spec, "podSecurityContext.runAsNonRoot");
        problems.addAll(containerSecurity(app.where() + " " + role,
            Y.map(spec, "securityContext"), podNonRoot));
      }
    }
    for (Doc compose : m.compose()) {
      Y.map(compose.root(), "services").forEach((name, service) -> {
        String image = Y.str(service, "image");
        String user = Y.str(service, "user");
        if (image != null && image.startsWith("streamgate/")
            && (user == null || isRootUser(user.split(":")[0]) || user.startsWith("root"))) {
          problems.add(compose.file() + ": service " + name + " runs " + image
              + " without a non-root user: (user: " + user + ")");
        }
      });
    }
    return problems;
  }

  private static List<String> containerSecurity(
      String where, Map<String, Object> sc, boolean podNonRoot) {
    List<String> problems = new ArrayList<>();
    if (!podNonRoot && !Y.isTrue(sc, "runAsNonRoot")) {
      problems.add(where + ": runAsNonRoot is not true (pod or container securityContext)");
    }
    if (isRootUser(sc.get("runAsUser"))) {
      problems.add(where + ": securityContext.runAsUser is 0 (root)");
    }
    if (!Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
      problems.add(where + ": securityContext.allowPrivilegeEscalation must be false");
    }
    if (!Y.strings(sc, "capabilities.drop").contains("ALL")) {
      problems.add(where + ": securityContext.capabilities.drop must contain ALL");
    }
    return problems;
  }

  private static boolean isRootUser(Object user) {
    return user != null && "0".equals(String.valueOf(user).trim());
  }

  // ---------------------------------------------------------------- images

  static List<String> imageTags(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Pod pod : pods(m)) {
      for (Map<String, Object> c : pod.containers()) {
        checkImage(pod.where(c), Y.str(c, "image"), problems);
      }
    }
    for (Doc app : m.ofKind("SparkApplication")) {
      checkImage(app.where() + " spec.image", Y.str(app.root(), "spec.image"), problems);
      for (String role : List.of("driver", "executor")) {
        String image = Y.str(app.root(), "spec." + role + ".image");
        if (image != null) {
          checkImage(app.where() + " spec." + role + ".image", image, problems);
        }
      }
    }
    for (Doc compose : m.compose()) {
      Y.map(compose.root(), "services").forEach((name, service) ->
          checkImage(compose.file() + ": service " + name, Y.str(service, "image"), problems));
    }
    return problems;
  }

  private static void checkImage(String where, String image, List<String> problems) {
    if (image == null || image.isBlank()) {
      problems.add(where + ": no image");
      return;
    }
    if (image.contains("@sha256:")) {
      return;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon < slash + 1) {
      problems.add(where + ": image " + image + " has no tag (that means latest): pin a version");
    } else if (image.substring(colon + 1).equals("latest")) {
      problems.add(where + ": image " + image + " uses the latest tag: pin a version");
    }
  }

  // ---------------------------------------------------------------- the gateway

  /** The Deployment running the gateway image, or null. */
  static Pod gatewayPod(Manifests m) {
    for (Pod pod : pods(m)) {
      if (gatewayContainer(pod) != null && pod.owner().is("Deployment")) {
        return pod;
      }
    }
    return null;
  }

  static Map<String, Object> gatewayContainer(Pod pod) {
    for (Map<String, Object> c : Y.maps(pod.spec(), "containers")) {
      String image = Y.str(c, "image");
      if (image != null && image.contains(GATEWAY_IMAGE)) {
        return c;
      }
    }
    return null;
  }

  static List<String> gatewayDeployment(Manifests m) {
    List<String> problems = new ArrayList<>();
    Pod pod = gatewayPod(m);
    if (pod == null) {
      return List.of("k8s: no Deployment runs a container with image " + GATEWAY_IMAGE);
    }
    Map<String, Object> c = gatewayContainer(pod);
    String where = pod.where(c);
    GatewayConfig config = gatewayConfigOf(m, pod, problems);
    int httpPort = config == null ? 8080 : config.http().port();
    if (containerPort(c, httpPort) == null) {
      problems.add(where + ": no ports[].containerPort " + httpPort + " (the config's http.port)");
    }
    problems.addAll(managementPort(pod, c, config));
    Map<String, String> expected = Map.of(
        "readinessProbe", "/health/ready", "livenessProbe", "/health/live",
        "startupProbe", "/health/live");
    expected.forEach((probe, path) -> {
      Object get = Y.get(c, probe + ".httpGet");
      if (get == null) {
        problems.add(where + ": no " + probe + ".httpGet");
        return;
      }
      if (!path.equals(Y.str(get, "path"))) {
        problems.add(where + ": " + probe + " asks " + Y.str(get, "path") + ", expected " + path);
      }
      Object port = Y.get(get, "port");
      if (!Objects.equals(resolvePort(c, port), httpPort)) {
        problems.add(where + ": " + probe + " port " + port + " is not the container's http port "
            + httpPort);
      }
    });
    if (!Y.isTrue(c, "securityContext.readOnlyRootFilesystem")) {
      problems.add(where + ": securityContext.readOnlyRootFilesystem must be true");
    }
    // Graceful shutdown: preStop lets endpoints drain, then SIGTERM starts the gateway's own
    // grace period; its hook waits at most shutdownGraceMs + 5 s.
    Object preStopSeconds = Y.get(c, "lifecycle.preStop.sleep.seconds");
    if (preStopSeconds == null && Y.get(c, "lifecycle.preStop.exec") == null) {
      problems.add(where + ": no lifecycle.preStop (sleep) to let endpoints drain before SIGTERM");
    }
    Object grace = Y.get(pod.spec(), "terminationGracePeriodSeconds");
    int shutdownGraceS = config == null ? 10 : (config.http().shutdownGraceMs() + 999) / 1000;
    int needed = (preStopSeconds instanceof Integer p ? p : 0) + shutdownGraceS + 5;
    if (!(grace instanceof Integer g) || g <= needed - 1) {
      problems.add(pod.owner().where() + ": terminationGracePeriodSeconds " + grace
          + " must be at least " + needed + " (preStop + http.shutdownGraceMs + 5 s)");
    }
    problems.addAll(envFiles(m, pod, c));
    // Event ingest produces to Kafka: the bootstrap must be a Kafka of the manifests.
    if (config != null && config.ingest().enabled()
        && !isKafkaBootstrap(m, config.ingest().bootstrapServers())) {
      problems.add(where + ": ingest.kafka.bootstrapServers " + config.ingest().bootstrapServers()
          + " (with STREAMGATE_KAFKA_BOOTSTRAP) is not the bootstrap Service of a Kafka in the manifests");
    }
    return problems;
  }

  /**
   * /metrics is served on the management listener only: the container declares its port, the
   * Prometheus annotation names it, and it listens beyond loopback so Prometheus reaches it.
   */
  private static List<String> managementPort(Pod pod, Map<String, Object> c, GatewayConfig config) {
    if (config == null) {
      return List.of();
    }
    String where = pod.where(c);
    if (!config.management().enabled()) {
      return List.of(where + ": management.enabled is false, so nothing serves /metrics");
    }
    List<String> problems = new ArrayList<>();
    int port = config.management().port();
    if (containerPort(c, port) == null) {
      problems.add(where + ": no ports[].containerPort " + port
          + " (the config's management.port: /metrics, health details, admin API)");
    }
    Object annotated = Y.map(pod.template(), "metadata.annotations").get("prometheus.io/port");
    if (!String.valueOf(port).equals(String.valueOf(annotated))) {
      problems.add(pod.owner().where() + ": prometheus.io/port " + annotated
          + " is not the management port " + port + " (the only one serving /metrics)");
    }
    String host = config.management().host();
    if (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")) {
      problems.add(where + ": management.host " + host + " is loopback: Prometheus cannot"
          + " scrape it from outside the pod; use 0.0.0.0 and keep the port out of the Service");
    }
    return problems;
  }

  static boolean isKafkaBootstrap(Manifests m, String servers) {
    String host = servers.split(",")[0].split(":")[0];
    return m.ofKind("Kafka").stream().anyMatch(k -> host.equals(k.name() + "-kafka-bootstrap")
        || host.startsWith(k.name() + "-kafka-bootstrap."));
  }

  /** STREAMGATE_CONFIG and STREAMGATE_JWT_SECRET_FILE must point into mounted volumes. */
  private static List<String> envFiles(Manifests m, Pod pod, Map<String, Object> c) {
    List<String> problems = new ArrayList<>();
    Map<String, String> env = literalEnv(c);
    for (String variable : List.of(ConfigLoader.ENV_CONFIG, ConfigLoader.ENV_JWT_SECRET_FILE)) {
      String file = env.get(variable);
      if (file == null) {
        problems.add(pod.where(c) + ": env " + variable + " is not set");
        continue;
      }
      String source = mountedSource(m, pod, c, file);
      if (source.startsWith("!")) {
        problems.add(pod.where(c) + ": env " + variable + "=" + file + " " + source.substring(1));
      }
    }
    return problems;
  }

  /**
   * "ConfigMap/name:key" or "Secret/name:key" for a file inside a mounted volume, or "!problem".
   */
  private static String mountedSource(Manifests m, Pod pod, Map<String, Object> c, String file) {
    for (Map<String, Object> mount : Y.maps(c, "volumeMounts")) {
      String dir = Y.str(mount, "mountPath");
      if (dir == null || !file.startsWith(dir.endsWith("/") ? dir : dir + "/")) {
        continue;
      }
      String key = file.substring(dir.length()).replaceFirst("^/", "");
      for (Map<String, Object> volume : Y.maps(pod.spec(), "volumes")) {
        if (!Objects.equals(volume.get("name"), mount.get("name"))) {
          continue;
        }
        String cm = Y.str(volume, "configMap.name");
        String secret = Y.str(volume, "secret.secretName");
        Doc doc = cm != null ? m.find("ConfigMap", cm) : secret != null ? m.find("Secret", secret) : null;
        if (doc == null) {
          return "!is in volume " + mount.get("name") + ", whose ConfigMap/Secret is not in the manifests";
        }
        Map<String, Object> data = new LinkedHashMap<>(Y.map(doc.root(), "data"));
        data.putAll(Y.map(doc.root(), "stringData"));
        if (!data.containsKey(key)) {
          return "!names key " + key + ", which " + doc.where() + " does not have (has " + data.keySet() + ")";
        }
        return doc.kind() + "/" + doc.name() + ":" + key;
      }
      return "!is under mount " + mount.get("name") + ", which names no volume of the pod";
    }
    return "!is not under any volumeMount of the container";
  }

  private static Map<String, String> literalEnv(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> e : Y.maps(container, "env")) {
      if (e.get("value") != null) {
        env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value")));
      }
    }
    return env;
  }

  private static Map<String, Object> containerPort(Map<String, Object> c, int port) {
    for (Map<String, Object> p : Y.maps(c, "ports")) {
      if (Objects.equals(p.get("containerPort"), port)) {
        return p;
      }
    }
    return null;
  }

  /** A probe's or Service's port (number or name) as the container port number, or null. */
  static Integer resolvePort(Map<String, Object> c, Object port) {
    if (port instanceof Integer number) {
      return number;
    }
    for (Map<String, Object> p : Y.maps(c, "ports")) {
      if (Objects.equals(p.get("name"), port) && p.get("containerPort") instanceof Integer n) {
        return n;
      }
    }
    return null;
  }

  /** The gateway.yaml the Deployment's STREAMGATE_CONFIG names, parsed with its env. */
  private static GatewayConfig gatewayConfigOf(Manifests m, Pod pod, List<String> problems) {
    Map<String, Object> c = gatewayContainer(pod);
    String file = literalEnv(c).get(ConfigLoader.ENV_CONFIG);
    if (file == null) {
      return null; // envFiles reports it
    }
    String source = mountedSource(m, pod, c, file);
    if (source.startsWith("!") || !source.startsWith("ConfigMap/")) {
      return null;
    }
    String[] nameKey = source.substring("ConfigMap/".length()).split(":", 2);
    Doc cm = m.find("ConfigMap", nameKey[0]);
    String text = Y.field(Y.map(cm.root(), "data"), nameKey[1]);
    try {
      return ConfigLoader.parse(text, cm.where() + " " + nameKey[1], literalEnv(c));
    } catch (RuntimeException e) {
      problems.add(cm.where() + " " + nameKey[1] + " with " + pod.owner().where()
          + "'s env: " + e.getMessage());
      return null;
    }
  }

  /**
   * Every gateway configuration shipped: each ConfigMap key {@code gateway.yaml}, compose's and
   * the image's built-in file, parsed by the gateway's own {@link ConfigLoader}.
   */
  static List<String> gatewayConfigs(Manifests m, Map<String, String> files) {
    List<String> problems = new ArrayList<>();
    int found = 0;
    for (Doc cm : m.ofKind("ConfigMap")) {
      String text = Y.field(Y.map(cm.root(), "data"), "gateway.yaml");
      if (text != null) {
        found++;
        parseGatewayConfig(cm.where() + " gateway.yaml", text, problems);
      }
    }
    if (found == 0) {
      problems.add("k8s: no ConfigMap has a gateway.yaml key");
    }
    files.forEach((name, text) -> parseGatewayConfig(name, text, problems));
    return problems;
  }

  private static void parseGatewayConfig(String name, String text, List<String> problems) {
    try {
      ConfigLoader.parse(text, name, Map.of());
    } catch (RuntimeException e) {
      problems.add(name + ": not a valid gateway configuration: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- scaling objects

  static List<String> autoscaling(Manifests m) {
    List<String> problems = new ArrayList<>();
    Pod gateway = gatewayPod(m);
    boolean gatewayScaled = false;
    boolean gatewayBudgeted = false;
    for (Doc hpa : m.ofKind("HorizontalPodAutoscaler")) {
      Map<String, Object> ref = Y.map(hpa.root(), "spec.scaleTargetRef");
      Doc target = m.find(String.valueOf(ref.get("kind")), String.valueOf(ref.get("name")));
      if (target == null || !Objects.equals(ref.get("apiVersion"), target.apiVersion())) {
        problems.add(hpa.where() + ": scaleTargetRef " + ref + " names no object in the manifests");
      } else if (gateway != null && target == gateway.owner()) {
        gatewayScaled = true;
      }
      Object min = Y.get(hpa.root(), "spec.minReplicas");
      Object max = Y.get(hpa.root(), "spec.maxReplicas");
      if (!(min instanceof Integer lo) || lo < 2) {
        problems.add(hpa.where() + ": spec.minReplicas " + min + " must be at least 2");
      } else if (!(max instanceof Integer hi) || hi < lo) {
        problems.add(hpa.where() + ": spec.maxReplicas " + max + " must be >= minReplicas " + lo);
      }
      boolean cpu = Y.maps(hpa.root(), "spec.metrics").stream()
          .anyMatch(metric -> "cpu".equals(Y.str(metric, "resource.name")));
      if (!cpu) {
        problems.add(hpa.where() + ": no Resource metric on cpu");
      }
    }
    for (Doc pdb : m.ofKind("PodDisruptionBudget")) {
      Map<String, Object> selector = Y.map(pdb.root(), "spec.selector.matchLabels");
      List<Pod> selected = pods(m).stream().filter(p -> matches(selector, p.labels())).toList();
      if (selector.isEmpty() || selected.isEmpty()) {
        problems.add(pdb.where() + ": spec.selector.matchLabels " + selector + " selects no pods");
      }
      if (gateway != null && selected.contains(gateway)) {
        gatewayBudgeted = true;
      }
    }
    if (gateway != null && !gatewayScaled) {
      problems.add(gateway.owner().where() + ": no HorizontalPodAutoscaler targets it");
    }
    if (gateway != null && !gatewayBudgeted) {
      problems.add(gateway.owner().where() + ": no PodDisruptionBudget selects its pods");
    }
    return problems;
  }

  static List<String> selectors(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Pod pod : pods(m)) {
      Map<String, Object> selector = Y.map(pod.owner().root(), "spec.selector.matchLabels");
      if (!pod.owner().is("Pod") && !pod.owner().is("CronJob") && !pod.owner().is("Job")
          && !matches(selector, pod.labels())) {
        problems.add(pod.owner().where() + ": spec.selector.matchLabels " + selector
            + " does not match the pod template's labels " + pod.labels());
      }
    }
    for (Doc service : m.ofKind("Service")) {
      Map<String, Object> selector = Y.map(service.root(), "spec.selector");
      List<Pod> selected = pods(m).stream().filter(p -> matches(selector, p.labels())).toList();
      if (selector.isEmpty() || selected.isEmpty()) {
        problems.add(service.where() + ": spec.selector " + selector + " matches no pod template");
        continue;
      }
      for (Map<String, Object> port : Y.maps(service.root(), "spec.ports")) {
        Object target = port.getOrDefault("targetPort", port.get("port"));
        for (Pod pod : selected) {
          boolean served = Y.maps(pod.spec(), "containers").stream()
              .anyMatch(c -> resolvePort(c, target) != null
                  && containerPort(c, resolvePort(c, target)) != null);
          if (!served) {
            problems.add(service.where() + ": targetPort " + target + " is no container port of "
                + pod.owner().where());
          }
        }
      }
    }
    return problems;
  }

  private static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
    return !selector.isEmpty() && selector.entrySet().stream()
        .allMatch(e -> Objects.equals(String.valueOf(e.getValue()), Y.field(labels, e.getKey())));
  }

  /** Volumes, service accounts and claims that pods refer to exist in the manifests. */
  static List<String> references(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Pod pod : pods(m)) {
      List<String> claimTemplates = Y.maps(pod.owner().root(), "spec.volumeClaimTemplates")
          .stream().map(t -> Y.str(t, "metadata.name")).toList();
      checkVolumes(m, pod.owner().where(), Y.maps(pod.spec(), "volumes"), problems);
      for (Map<String, Object> c : pod.containers()) {
        for (Map<String, Object> mount : Y.maps(c, "volumeMounts")) {
          String name = Y.str(mount, "name");
          boolean declared = Y.maps(pod.spec(), "volumes").stream()
              .anyMatch(v -> Objects.equals(v.get("name"), name)) || claimTemplates.contains(name);
          if (!declared) {
            problems.add(pod.where(c) + ": volumeMount " + name + " names no volume of the pod");
          }
        }
      }
      String account = Y.str(pod.spec(), "serviceAccountName");
      if (account != null && m.find("ServiceAccount", account) == null) {
        problems.add(pod.owner().where() + ": serviceAccountName " + account + " is not in the manifests");
      }
    }
    for (Doc app : m.ofKind("SparkApplication")) {
      List<Map<String, Object>> volumes = Y.maps(app.root(), "spec.volumes");
      checkVolumes(m, app.where(), volumes, problems);
      for (String role : List.of("driver", "executor")) {
        for (Map<String, Object> mount : Y.maps(app.root(), "spec." + role + ".volumeMounts")) {
          if (volumes.stream().noneMatch(v -> Objects.equals(v.get("name"), mount.get("name")))) {
            problems.add(app.where() + " " + role + ": volumeMount " + mount.get("name")
                + " names none of spec.volumes");
          }
        }
      }
    }
    return problems;
  }

  private static void checkVolumes(Manifests m, String where, List<Map<String, Object>> volumes,
      List<String> problems) {
    for (Map<String, Object> v : volumes) {
      String cm = Y.str(v, "configMap.name");
      String secret = Y.str(v, "secret.secretName");
      String claim = Y.str(v, "persistentVolumeClaim.claimName");
      if (cm != null && m.find("ConfigMap", cm) == null) {
        problems.add(where + ": volume " + v.get("name") + " names ConfigMap " + cm + ", not in the manifests");
      }
      if (secret != null && m.find("Secret", secret) == null) {
        problems.add(where + ": volume " + v.get("name") + " names Secret " + secret
            + ", which has no (example) manifest showing its keys");
      }
      if (claim != null && m.find("PersistentVolumeClaim", claim) == null) {
        problems.add(where + ": volume " + v.get("name") + " names PersistentVolumeClaim " + claim
            + ", not in the manifests");
      }
    }
  }

  // ---------------------------------------------------------------- the processor

  static List<String> sparkApplication(Manifests m) {
    List<String> problems = new ArrayList<>();
    List<Doc> apps = m.ofKind("SparkApplication");
    if (apps.size() != 1) {
      return List.of("k8s: expected one SparkApplication (the processor), found " + apps.size());
    }
    Doc app = apps.get(0);
    Map<String, Object> spec = Y.map(app.root(), "spec");
    if (!PROCESSOR_MAIN.equals(spec.get("mainClass"))) {
      problems.add(app.where() + ": spec.mainClass is " + spec.get("mainClass") + ", expected " + PROCESSOR_MAIN);
    }
    String jar = Y.str(spec, "mainApplicationFile");
    if (jar == null || !jar.startsWith("local:///") || !jar.endsWith(".jar")) {
      problems.add(app.where() + ": spec.mainApplicationFile " + jar + " must be a local:/// jar in the image");
    }
    Map<String, String> args = options(Y.strings(spec, "arguments"));
    for (String option : List.of("--pipeline", "--kafka", "--redis", "--checkpoints", "--master")) {
      if (args.get(option) == null) {
        problems.add(app.where() + ": spec.arguments lack " + option + " VALUE");
      }
    }
    String master = args.get("--master");
    if (master != null && !master.startsWith("k8s://")) {
      problems.add(app.where() + ": --master " + master + " must be the k8s:// master (the processor"
          + " sets spark.master itself, overriding the operator's)");
    }
    for (String key : List.of("spark.driver.extraClassPath", "spark.executor.extraClassPath")) {
      if (!String.valueOf(Y.map(spec, "sparkConf").get(key)).contains("/opt/streamgate/libs")) {
        problems.add(app.where() + ": sparkConf " + key + " must include /opt/streamgate/libs/*");
      }
    }
    // --pipeline: a file of a ConfigMap mounted into the driver.
    String pipeline = args.get("--pipeline");
    if (pipeline != null && sparkMountOf(app, "driver", pipeline, "configMap.name") == null) {
      problems.add(app.where() + ": --pipeline " + pipeline + " is not in a ConfigMap volume mounted into the driver");
    }
    // --checkpoints: object store, or a ReadWriteMany claim mounted into driver and executors.
    String checkpoints = args.get("--checkpoints");
    if (checkpoints != null && !checkpoints.matches("^(s3a|gs|abfss|hdfs)://.+")) {
      String path = checkpoints.replaceFirst("^file://", "");
      for (String role : List.of("driver", "executor")) {
        String claim = sparkMountOf(app, role, path + "/x", "persistentVolumeClaim.claimName");
        Doc pvc = claim == null ? null : m.find("PersistentVolumeClaim", claim);
        if (pvc == null) {
          problems.add(app.where() + ": --checkpoints " + checkpoints + " is not on a PersistentVolumeClaim"
              + " mounted into the " + role + " (executors write state there too)");
        } else if (!Y.strings(pvc.root(), "spec.accessModes").contains("ReadWriteMany")) {
          problems.add(pvc.where() + ": accessModes must include ReadWriteMany (driver and executors"
              + " on different nodes share the checkpoints)");
        }
      }
    }
    // --kafka: the bootstrap Service of a Strimzi Kafka in the manifests.
    String kafka = args.get("--kafka");
    if (kafka != null) {
      if (!isKafkaBootstrap(m, kafka)) {
        problems.add(app.where() + ": --kafka " + kafka + " is not the bootstrap Service of a Kafka in the manifests");
      }
    }
    // --metrics-port: declared on the driver, so Prometheus finds it.
    String metricsPort = args.get("--metrics-port");
    if (metricsPort != null && Y.maps(spec, "driver.ports").stream()
        .noneMatch(p -> metricsPort.equals(String.valueOf(p.get("containerPort"))))) {
      problems.add(app.where() + ": --metrics-port " + metricsPort + " is not in spec.driver.ports");
    }
    // The driver's account may create executor pods.
    String account = Y.str(spec, "driver.serviceAccount");
    if (account == null || m.find("ServiceAccount", account) == null) {
      problems.add(app.where() + ": spec.driver.serviceAccount " + account + " is not in the manifests");
    } else if (!mayCreatePods(m, account)) {
      problems.add(app.where() + ": ServiceAccount " + account + " is bound to no Role that may create pods");
    }
    return problems;
  }

  /** The named volume source (e.g. configMap.name) backing {@code file} in a role's mounts. */
  private static String sparkMountOf(Doc app, String role, String file, String sourceField) {
    for (Map<String, Object> mount : Y.maps(app.root(), "spec." + role + ".volumeMounts")) {
      String dir = Y.str(mount, "mountPath");
      if (dir == null || !file.startsWith(dir.endsWith("/") ? dir : dir + "/")) {
        continue;
      }
      for (Map<String, Object> v : Y.maps(app.root(), "spec.volumes")) {
        if (Objects.equals(v.get("name"), mount.get("name"))) {
          return Y.str(v, sourceField);
        }
      }
    }
    return null;
  }

  private static boolean mayCreatePods(Manifests m, String account) {
    for (Doc binding : m.ofKind("RoleBinding")) {
      boolean bound = Y.maps(binding.root(), "subjects").stream().anyMatch(s ->
          "ServiceAccount".equals(s.get("kind")) && account.equals(s.get("name")));
      Doc role = m.find(Y.str(binding.root(), "roleRef.kind"), Y.str(binding.root(), "roleRef.name"));
      if (bound && role != null) {
        for (Map<String, Object> rule : Y.maps(role.root(), "rules")) {
          if (Y.strings(rule, "resources").contains("pods") && Y.strings(rule, "verbs").contains("create")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Map<String, String> options(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--") && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        out.put(arg, args.get(++i));
      }
    }
    return out;
  }

  /**
   * The pipeline ConfigMap: same views as {@code deploy/local/pipeline.yaml} but for their
   * {@code trigger} (sources may differ only in their Kafka options), every source topic and its dead-letter topic
   * ({@code deadLetterTopic}, default {@code <topic>.dlq}) exist as KafkaTopics of a Kafka in the
   * manifests (the processor would create missing ones with the broker's defaults).
   */
  /**
   * A view without its {@code trigger}: the one setting sized to where it runs (a real-time view
   * holds a task slot per partition: the demo's 2 partitions, the cluster's 12).
   */
  private static Object withoutTrigger(Object view) {
    if (!(view instanceof Map<?, ?> map)) {
      return view;
    }
    Map<Object, Object> copy = new java.util.LinkedHashMap<>(map);
    copy.remove("trigger");
    return copy;
  }

  static List<String> pipeline(Manifests m, String localPipeline) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> local = Manifests.parse("local/pipeline.yaml", localPipeline).get(0);
    int found = 0;
    for (Doc cm : m.ofKind("ConfigMap")) {
      String text = Y.field(Y.map(cm.root(), "data"), "pipeline.yaml");
      if (text == null) {
        continue;
      }
      found++;
      String where = cm.where() + " pipeline.yaml";
      Map<String, Object> pipeline;
      try {
        pipeline = Manifests.parse(where, text).get(0);
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
        continue;
      }
      Map<String, Object> views = Y.map(pipeline, "views");
      Map<String, Object> localViews = Y.map(local, "views");
      if (!views.keySet().equals(localViews.keySet())) {
        problems.add(where + ": views " + views.keySet() + " differ from local/pipeline.yaml's " + localViews.keySet());
      }
      localViews.forEach((name, view) -> {
        if (views.containsKey(name) && !Objects.equals(withoutTrigger(views.get(name)), withoutTrigger(view))) {
          problems.add(where + ": view " + name + " differs from local/pipeline.yaml: " + views.get(name) + " vs " + view);
        }
      });
      Map<String, Object> sources = Y.map(pipeline, "sources");
      Y.map(local, "sources").forEach((name, source) -> {
        Map<String, Object> mine = new LinkedHashMap<>(Y.map(sources, name));
        Map<String, Object> theirs = new LinkedHashMap<>(Y.asMap(source));
        mine.remove("options");
        theirs.remove("options");
        if (!mine.equals(theirs)) {
          problems.add(where + ": source " + name + " differs from local/pipeline.yaml (apart from options): "
              + mine + " vs " + theirs);
        }
      });
      sources.forEach((name, source) -> {
        String topic = Y.str(source, "topic");
        String deadLetters = Y.str(source, "deadLetterTopic");
        for (String needed : List.of(String.valueOf(topic), deadLetters != null ? deadLetters : topic + ".dlq")) {
          Doc kt = kafkaTopic(m, needed);
          if (kt == null) {
            problems.add(where + ": source " + name + " needs KafkaTopic " + needed + ", not in the manifests");
          } else if (m.find("Kafka", String.valueOf(
              Y.map(kt.root(), "metadata.labels").get("strimzi.io/cluster"))) == null) {
            problems.add(kt.where() + ": label strimzi.io/cluster names no Kafka in the manifests");
          }
        }
      });
    }
    if (found == 0) {
      problems.add("k8s: no ConfigMap has a pipeline.yaml key");
    }
    return problems;
  }

  private static Doc kafkaTopic(Manifests m, String topic) {
    for (Doc kt : m.ofKind("KafkaTopic")) {
      String name = Y.str(kt.root(), "spec.topicName");
      if (topic.equals(name != null ? name : kt.name())) {
        return kt;
      }
    }
    return null;
  }

  /** Strimzi in KRaft mode: node pools with controller and broker roles, Kafka 4.x. */
  static List<String> kafka(Manifests m) {
    List<String> problems = new ArrayList<>();
    if (m.ofKind("Kafka").isEmpty()) {
      problems.add("k8s: no Strimzi Kafka");
    }
    for (Doc kafka : m.ofKind("Kafka")) {
      if (!"enabled".equals(Y.map(kafka.root(), "metadata.annotations").get("strimzi.io/node-pools"))) {
        problems.add(kafka.where() + ": annotation strimzi.io/node-pools must be enabled (KRaft needs node pools)");
      }
      String version = Y.str(kafka.root(), "spec.kafka.version");
      if (version == null || !version.startsWith("4.")) {
        problems.add(kafka.where() + ": spec.kafka.version " + version + " is not Kafka 4 (KRaft only)");
      }
      List<String> roles = new ArrayList<>();
      int brokers = 0;
      for (Doc pool : m.ofKind("KafkaNodePool")) {
        if (kafka.name().equals(Y.map(pool.root(), "metadata.labels").get("strimzi.io/cluster"))) {
          List<String> poolRoles = Y.strings(pool.root(), "spec.roles");
          roles.addAll(poolRoles);
          if (poolRoles.contains("broker") && Y.get(pool.root(), "spec.replicas") instanceof Integer r) {
            brokers += r;
          }
        }
      }
      if (!roles.contains("controller") || !roles.contains("broker")) {
        problems.add(kafka.where() + ": its KafkaNodePools have roles " + roles + ", need controller and broker");
      }
      for (Doc topic : m.ofKind("KafkaTopic")) {
        if (Y.get(topic.root(), "spec.replicas") instanceof Integer r && r > brokers) {
          problems.add(topic.where() + ": spec.replicas " + r + " > " + brokers + " brokers");
        }
      }
    }
    return problems;
  }

  /**
   * Every resource a kustomization lists exists, and every file of Kubernetes objects next to
   * it is listed (except {@code *.example.yaml}, which must not be applied).
   */
  static List<String> kustomizations(Manifests m) {
    List<String> problems = new ArrayList<>();
    for (Doc k : m.ofKind("Kustomization")) {
      java.nio.file.Path dir = m.dir().resolve(k.file()).getParent();
      List<String> listed = Y.strings(k.root(), "resources");
      for (String resource : listed) {
        if (!dir.resolve(resource).toFile().exists()) {
          problems.add(k.file() + ": resource " + resource + " does not exist");
        }
      }
      for (Doc doc : m.k8s()) {
        java.nio.file.Path file = m.dir().resolve(doc.file());
        if (doc.is("Kustomization") || !file.startsWith(dir) || doc.file().endsWith(".example.yaml")) {
          continue;
        }
        String relative = dir.relativize(file).toString();
        if (!listed.contains(relative)) {
          problems.add(k.file() + ": does not list " + relative + " (" + doc.kind() + "/" + doc.name() + ")");
        }
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- compose

  static final Pattern HAPROXY_SERVER = Pattern.compile("(?m)^[ \\t]*server[ \\t]+(\\S+)[ \\t]+(\\S+):(\\d+)[ \\t][^\\n]*\\bcheck\\b");

  static List<String> compose(Manifests m, String haproxyCfg) {
    List<String> problems = new ArrayList<>();
    if (m.compose().size() != 1) {
      return List.of("compose: expected one compose file, found " + m.compose().size());
    }
    Doc compose = m.compose().get(0);
    String f = compose.file();
    Map<String, Object> services = Y.map(compose.root(), "services");
    List<String> gateways = services.entrySet().stream()
        .filter(e -> String.valueOf(Y.str(e.getValue(), "image")).startsWith(GATEWAY_IMAGE + ":"))
        .map(Map.Entry::getKey).toList();
    if (gateways.size() != 3) {
      problems.add(f + ": " + gateways.size() + " gateway services " + gateways + ", expected 3");
    }
    // The load balancer: the service that mounts haproxy.cfg.
    String lb = services.entrySet().stream()
        .filter(e -> Y.strings(e.getValue(), "volumes").stream().anyMatch(v -> v.contains("haproxy.cfg")))
        .map(Map.Entry::getKey).findFirst().orElse(null);
    if (lb == null) {
      problems.add(f + ": no service mounts haproxy.cfg (the load balancer)");
    } else {
      if (Y.strings(services.get(lb), "ports").isEmpty()) {
        problems.add(f + ": service " + lb + " publishes no port");
      }
      for (String gw : gateways) {
        if (!"service_healthy".equals(Y.str(services.get(lb), "depends_on." + gw + ".condition"))) {
          problems.add(f + ": service " + lb + " must depend on " + gw + " with condition service_healthy");
        }
      }
      Map<String, String> backends = new LinkedHashMap<>();
      Matcher server = HAPROXY_SERVER.matcher(haproxyCfg);
      while (server.find()) {
        backends.put(server.group(2), server.group(3));
      }
      for (String gw : gateways) {
        if (!"8080".equals(backends.get(gw))) {
          problems.add("compose/haproxy.cfg: no `server ... " + gw + ":8080 check` line for gateway " + gw);
        }
      }
      if (!haproxyCfg.matches("(?s).*http-check send meth GET uri /health/ready.*")) {
        problems.add("compose/haproxy.cfg: backends are not checked with GET /health/ready");
      }
    }
    services.forEach((name, service) -> {
      boolean oneShot = "no".equals(Y.str(service, "restart"));
      if (!oneShot && Y.get(service, "healthcheck.test") == null) {
        problems.add(f + ": service " + name + " has no healthcheck");
      }
      Y.map(service, "depends_on").forEach((dep, how) -> {
        String condition = Y.str(how, "condition");
        Object target = services.get(dep);
        if (target == null) {
          problems.add(f + ": service " + name + " depends on unknown service " + dep);
        } else if ("service_healthy".equals(condition) && Y.get(target, "healthcheck.test") == null) {
          problems.add(f + ": service " + name + " waits for " + dep + " to be healthy, but it has no healthcheck");
        } else if ("service_completed_successfully".equals(condition)
            && !"no".equals(Y.str(target, "restart"))) {
          problems.add(f + ": service " + name + " waits for " + dep + " to complete, but it restarts");
        } else if (condition == null) {
          problems.add(f + ": service " + name + " depends on " + dep + " without a condition");
        }
      });
    });
    String kafkaImage = Y.str(services.get("kafka"), "image");
    if (!"apache/kafka:4.1.1".equals(kafkaImage)) {
      problems.add(f + ": service kafka runs " + kafkaImage + ", expected apache/kafka:4.1.1");
    } else if (!String.valueOf(Y.str(services.get("kafka"), "environment.KAFKA_PROCESS_ROLES")).contains("controller")) {
      problems.add(f + ": service kafka is not a KRaft controller (KAFKA_PROCESS_ROLES)");
    }
    if (!String.valueOf(Y.str(services.get("redis"), "image")).startsWith("redis:7")) {
      problems.add(f + ": service redis does not run Redis 7");
    }
    boolean processor = services.values().stream()
        .anyMatch(s -> Y.strings(s, "command").contains(PROCESSOR_MAIN));
    if (!processor) {
      problems.add(f + ": no service runs " + PROCESSOR_MAIN);
    }
    services.forEach((name, service) -> {
      for (String volume : Y.strings(service, "volumes")) {
        if (volume.startsWith(".") && !m.dir().resolve("compose").resolve(volume.split(":")[0]).normalize()
            .toFile().exists()) {
          problems.add(f + ": service " + name + " mounts " + volume.split(":")[0] + ", which does not exist");
        }
      }
    });
    return problems;
  }
}
