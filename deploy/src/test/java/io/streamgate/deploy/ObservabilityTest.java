package io.streamgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgate.deploy.Doc.Y;
import io.streamgate.harness.MetricNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/observability: the Prometheus rules and config pass promtool (checks and the alert unit
 * tests), every Grafana dashboard is sound, and {@link MetricNames} reads the same queries from
 * them as a real JSON/YAML parser. That the metrics exist on a running gateway and processor is
 * checked by the cli module's DemoIT.
 */
class ObservabilityTest {
  private static final Path DIR =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().resolve("observability");
  private static final Path PROMETHEUS = DIR.resolve("prometheus");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Map<String, String> DATASOURCE = Map.of("type", "prometheus", "uid", "${datasource}");

  @Test
  void rulesPassPromtoolCheck() throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool(), "check", "rules"));
    MetricNames.ruleFiles(DIR).forEach(f -> command.add(f.toString()));
    assertPromtool(command);
  }

  @Test
  void scrapeConfigPassesPromtoolCheck() throws Exception {
    assertPromtool(List.of(promtool(), "check", "config", PROMETHEUS.resolve("prometheus.yml").toString()));
  }

  @Test
  void everyAlertFiresAndStaysQuietInItsUnitTests() throws Exception {
    assertPromtool(List.of(promtool(), "test", "rules", PROMETHEUS.resolve("alerts_test.yml").toString()));
    // One firing and one quiet case per alert.
    Map<String, Object> tests = Manifests.parse("alerts_test.yml", read(PROMETHEUS.resolve("alerts_test.yml"))).get(0);
    Map<String, int[]> cases = new java.util.TreeMap<>();
    for (Map<String, Object> test : Y.maps(tests, "tests")) {
      for (Map<String, Object> alertTest : Y.maps(test, "alert_rule_test")) {
        int[] firingQuiet = cases.computeIfAbsent((String) alertTest.get("alertname"), a -> new int[2]);
        firingQuiet[((List<?>) alertTest.get("exp_alerts")).isEmpty() ? 1 : 0]++;
      }
    }
    for (String alert : alertNames()) {
      int[] firingQuiet = cases.getOrDefault(alert, new int[2]);
      assertTrue(firingQuiet[0] > 0 && firingQuiet[1] > 0,
          alert + ": alerts_test.yml needs a case where it fires and one where it stays quiet");
    }
  }

  @Test
  void everyAlertSaysWhatItMeansAndWhatToDo() {
    for (Map<String, Object> rule : rules()) {
      if (rule.get("alert") == null) {
        continue;
      }
      Map<String, Object> annotations = Y.map(rule, "annotations");
      assertTrue(annotations != null && annotations.get("summary") instanceof String
          && annotations.get("description") instanceof String d && d.length() > 80,
          rule.get("alert") + ": needs a summary and a description that says what to do");
      assertTrue(Y.map(rule, "labels") != null && Y.map(rule, "labels").get("severity") != null,
          rule.get("alert") + ": needs a severity label");
    }
  }

  @Test
  void dashboardsAreSound() throws IOException {
    List<Path> dashboards = dashboards();
    assertEquals(List.of("streamgate-gateway.json", "streamgate-processor.json"),
        dashboards.stream().map(p -> p.getFileName().toString()).toList());
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards) {
      String name = file.getFileName().toString();
      Map<String, Object> dashboard = Manifests.parse(name, read(file)).get(0);
      assertTrue(uids.add((String) dashboard.get("uid")), name + ": uid not unique");
      assertTrue(((Number) dashboard.get("schemaVersion")).intValue() >= 39, name + ": schemaVersion");
      List<Map<String, Object>> variables = Y.maps(dashboard, "templating.list");
      Set<String> variableNames = new HashSet<>();
      variables.forEach(v -> variableNames.add((String) v.get("name")));
      assertTrue(variableNames.containsAll(List.of("datasource", "instance")), name + ": variables " + variableNames);
      Set<Integer> ids = new HashSet<>();
      for (Map<String, Object> panel : Y.maps(dashboard, "panels")) {
        String where = name + " panel '" + panel.get("title") + "'";
        assertTrue(ids.add(((Number) panel.get("id")).intValue()), where + ": id " + panel.get("id") + " not unique");
        assertEquals(DATASOURCE, panel.get("datasource"), where + ": datasource");
        List<Map<String, Object>> targets = Y.maps(panel, "targets");
        assertFalse(targets.isEmpty(), where + ": no target");
        for (Map<String, Object> target : targets) {
          assertEquals(DATASOURCE, target.get("datasource"), where + ": target datasource");
          assertTrue(target.get("expr") instanceof String e && !e.isBlank(), where + ": target without expr");
        }
      }
    }
  }

  /** MetricNames reads dashboards and rules by their shape; it must find what a parser finds. */
  @Test
  void metricNamesReadsTheSameQueriesAsAParser() throws IOException {
    for (Path file : dashboards()) {
      Map<String, Object> dashboard = Manifests.parse(file.toString(), read(file)).get(0);
      List<String> parsed = new ArrayList<>();
      for (Map<String, Object> variable : Y.maps(dashboard, "templating.list")) {
        if (variable.get("definition") instanceof String d) {
          parsed.add(d.replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
        }
      }
      for (Map<String, Object> panel : Y.maps(dashboard, "panels")) {
        Y.maps(panel, "targets").forEach(t -> parsed.add((String) t.get("expr")));
      }
      assertEquals(sorted(parsed), sorted(MetricNames.dashboardQueries(read(file))), file.toString());
    }
    for (Path file : MetricNames.ruleFiles(DIR)) {
      List<String> exprs = new ArrayList<>();
      List<String> records = new ArrayList<>();
      for (Map<String, Object> group : Y.maps(Manifests.parse(file.toString(), read(file)).get(0), "groups")) {
        for (Map<String, Object> rule : Y.maps(group, "rules")) {
          exprs.add(oneLine((String) rule.get("expr")));
          if (rule.get("record") != null) {
            records.add((String) rule.get("record"));
          }
        }
      }
      assertEquals(exprs, MetricNames.ruleExpressions(read(file)).stream().map(ObservabilityTest::oneLine).toList(),
          file + ": expressions (compared with lines joined)");
      assertEquals(records, MetricNames.recordedNames(read(file)), file + ": recorded names");
    }
  }

  /**
   * The names an exporter must provide, in one list; DemoIT checks them against a running gateway
   * and processor. Pinned here so a new name in a panel is a visible change.
   */
  @Test
  void metricNamesUsedByDashboardsAndRules() {
    SortedSet<String> required = MetricNames.requiredBy(DIR);
    System.out.println("ObservabilityTest: metrics read by dashboards and rules: " + required);
    assertTrue(required.stream().anyMatch(n -> n.startsWith("http_server_requests_seconds")), required.toString());
    assertTrue(required.stream().anyMatch(n -> n.startsWith("streamgate_processor_")), required.toString());
    // Lookup tables: a failing refresh keeps the last copy, so the copy's age is what shows it.
    assertTrue(required.containsAll(List.of("streamgate_processor_lookup_refresh_failures_total",
        "streamgate_processor_lookup_last_success_age_seconds", "streamgate_processor_lookup_rows")),
        required.toString());
    assertTrue(required.stream().noneMatch(n -> n.contains(":")), "recorded series are not exported: " + required);
    assertFalse(required.contains("up"), "Prometheus makes up itself");
    for (String name : required) {
      assertTrue(name.matches("(http_server_requests_seconds|streamgate)_[a-z0-9_]+"),
          name + ": not a gateway or processor metric");
    }
  }

  /**
   * Prometheus finds the gateway and the processor's driver in a cluster by their pod annotations;
   * the port they name must be one the container declares (it moves when /metrics gets a
   * management port).
   */
  @Test
  void podsAnnotateAMetricsPortTheyDeclare() {
    Manifests manifests = Manifests.load(DIR.getParent());
    Map<String, String> templates = Map.of("Deployment", "spec.template", "SparkApplication", "spec.driver");
    Set<String> annotated = new java.util.TreeSet<>();
    for (Doc doc : manifests.k8s()) {
      String template = templates.get(doc.kind());
      if (template == null) {
        continue;
      }
      Object pod = Y.get(doc.root(), template);
      Map<String, Object> annotations = doc.is("Deployment")
          ? Y.map(pod, "metadata.annotations") : Y.map(pod, "annotations");
      if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
        continue;
      }
      annotated.add(doc.name());
      assertEquals("/metrics", annotations.get("prometheus.io/path"), doc.where());
      List<Map<String, Object>> ports = new ArrayList<>();
      if (doc.is("Deployment")) {
        Y.maps(pod, "spec.containers").forEach(c -> ports.addAll(Y.maps(c, "ports")));
      } else {
        ports.addAll(Y.maps(pod, "ports"));
      }
      Object port = annotations.get("prometheus.io/port");
      assertTrue(ports.stream().anyMatch(p -> String.valueOf(p.get("containerPort")).equals(port)),
          doc.where() + ": prometheus.io/port " + port + " is not a declared containerPort " + ports);
    }
    assertEquals(Set.of("streamgate-gateway", "streamgate-processor"), annotated);
  }

  @Test
  void promqlNamesSkipFunctionsLabelsAndKeywords() {
    assertEquals(Set.of("a_total", "b:ratio", "c_bucket"), MetricNames.inPromQL(
        "sum by (route, le) (rate(a_total{route!~\"/v1/ws|.*/events\", x=\"y(z)\"}[$__rate_interval]))"
            + " / on (instance) group_left (plan) b:ratio offset 5m > bool 1e3 # c_comment\n"
            + " unless histogram_quantile(0.99, c_bucket[5m:1m])"));
  }

  @Test
  void exportedNamesIncludeHistogramBaseNames() {
    String page = """
        # HELP a_seconds x
        # TYPE a_seconds histogram
        a_seconds_bucket{le="0.1"} 1
        a_seconds_count 1
        a_seconds_sum 0.05
        # TYPE b_total counter
        b_total{x="y"} 2.0
        """;
    assertEquals(Set.of("a_seconds", "a_seconds_bucket", "a_seconds_count", "a_seconds_sum", "b_total"),
        MetricNames.exported(page));
  }

  private static List<String> alertNames() {
    return rules().stream().map(r -> (String) r.get("alert")).filter(a -> a != null).toList();
  }

  private static List<Map<String, Object>> rules() {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Path file : MetricNames.ruleFiles(DIR)) {
      for (Map<String, Object> group : Y.maps(Manifests.parse(file.toString(), read(file)).get(0), "groups")) {
        rules.addAll(Y.maps(group, "rules"));
      }
    }
    return rules;
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DIR.resolve("grafana/dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static String oneLine(String expr) {
    return expr.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  private static List<String> sorted(List<String> list) {
    return list.stream().sorted().toList();
  }

  private static String promtool() {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed (" + PROMTOOL + "): skipping the Prometheus"
        + " rule and config checks; install Debian's prometheus package (.ci/run does)");
    return PROMTOOL.toString();
  }

  private static void assertPromtool(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).directory(PROMETHEUS.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
