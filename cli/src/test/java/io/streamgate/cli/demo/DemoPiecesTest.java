package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.harness.Modules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pure parts of the demo: settings, pipeline names, Spark JVM options, output lines. */
class DemoPiecesTest {
  @TempDir Path dir;

  @Test
  void pipelineViewsAreTheDemoPipelinesViewNames() throws IOException {
    Path pipeline = DemoSettings.defaults(Modules.root()).pipeline();
    assertEquals(List.of("order_status", "product_revenue", "user_totals"), PipelineViews.names(pipeline));
  }

  @Test
  void pipelineWithoutViewsIsAClearError() throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "sources: {}\n");
    IOException e = assertThrows(IOException.class, () -> PipelineViews.names(file));
    assertEquals(file + ": field 'views' is missing or empty", e.getMessage());
    Files.writeString(file, "views: [unclosed\n");
    IOException bad = assertThrows(IOException.class, () -> PipelineViews.names(file));
    assertTrue(bad.getMessage().startsWith(file + ": not valid YAML"), bad.getMessage());
  }

  @Test
  void sparkJvmOptionsComeFromTheProcessorsSparkLauncher() throws IOException {
    List<String> options = ProcessorJvm.options(Modules.root());
    assertTrue(options.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), options.toString());
    assertTrue(options.stream().anyMatch(o -> o.startsWith("-Xmx")), options.toString());
  }

  @Test
  void missingProcessorBuildIsAClearError() {
    IOException e = assertThrows(IOException.class,
        () -> ProcessorJvm.sparkModuleOptions(dir.resolve("runtime-classpath.txt")));
    assertTrue(e.getMessage().contains("build the processor first"), e.getMessage());
  }

  @Test
  void settingsRejectBadPortsAndRatesNamingTheFlag() {
    DemoSettings ok = DemoSettings.defaults(dir);
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> ok.withPorts(0, 1, 2));
    assertEquals("--port must be a TCP port (1-65535), but was 0", port.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> new DemoSettings(dir,
        dir, 1, 2, 3, false, 0, true, Duration.ofSeconds(1)));
    assertTrue(rate.getMessage().startsWith("--rate must be a positive number"), rate.getMessage());
    assertEquals("redis://127.0.0.1:16379", ok.redisUrl());
    assertEquals("127.0.0.1:19092", ok.kafkaBootstrap());
    assertTrue(ok.stateDir().isAbsolute());
  }

  @Test
  void bannerHasOneReadyLineAndExamplesWithTheRealIds() {
    List<String> lines = ReadyBanner.lines(8080, Duration.ofMillis(41_250), "tok.en.sig",
        List.of("order_status", "user_totals"), "o-abc-1", "user-007", "./.streamgate");
    assertEquals("Streamgate demo ready in 41.3 s at http://localhost:8080 (views: order_status, user_totals)."
        + " Ctrl-C stops everything.", lines.get(0));
    assertEquals(1, lines.stream().filter(l -> l.contains("ready in")).count());
    assertTrue(lines.contains("  export TOKEN=tok.en.sig"));
    assertTrue(lines.contains("  curl -H \"Authorization: Bearer $TOKEN\" http://localhost:8080/v1/views/order_status/o-abc-1"));
    assertTrue(lines.contains("  curl -H \"Authorization: Bearer $TOKEN\" http://localhost:8080/v1/views/user_totals/user-007"));
    assertTrue(lines.stream().anyMatch(l -> l.contains("./streamgate produce orders")));
  }

  @Test
  void bannerWithoutGeneratorPointsAtTheExampleEvent() {
    List<String> lines = ReadyBanner.lines(9000, Duration.ofSeconds(3), "t", List.of("v"), null, null, "/s");
    assertTrue(lines.stream().anyMatch(l -> l.endsWith("/v1/views/order_status/" + ReadyBanner.EXAMPLE_ORDER)));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"orderId\":\"" + ReadyBanner.EXAMPLE_ORDER + "\"")));
  }

  @Test
  void withPostgresTheDemoPipelineGainsTheDatabasesSourceAndViews() throws IOException {
    DemoSettings settings = DemoSettings.defaults(Modules.root()).withPostgres(true, 25432);
    Path merged = PipelineMerge.write(settings.pipeline(), settings.postgresPipeline(),
        Map.of("127.0.0.1:15432/", "127.0.0.1:25432/"), dir.resolve("p.yaml"));
    assertEquals(List.of("customers", "customers_by_city", "order_status", "product_revenue", "revenue_by_tier",
        "user_totals"), PipelineViews.names(merged));
    String text = Files.readString(merged);
    assertTrue(text.contains("orders:") && text.contains("format: debezium"), text);
    // The lookup table reads the database on the port it runs on.
    assertTrue(text.contains("kind: table") && text.contains("jdbc:postgresql://127.0.0.1:25432/streamgate"), text);
    assertTrue(DemoServices.DEMO_SCHEMA.contains("REPLICA IDENTITY FULL"));
    assertTrue(DemoServices.DEMO_SCHEMA.contains("CREATE TABLE IF NOT EXISTS accounts"));
  }

  @Test
  void bannerWithPostgresPrintsAPsqlLine() {
    List<String> plain = ReadyBanner.lines(8080, Duration.ofSeconds(3), "t", List.of("v"), null, null, "/s");
    assertTrue(plain.stream().noneMatch(l -> l.contains("psql")), "the plain demo is unchanged");
    List<String> lines = ReadyBanner.lines(8080, Duration.ofSeconds(3), "t", List.of("v"), null, null, "/s",
        "/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 15432 -U streamgate streamgate");
    assertTrue(lines.contains("  /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 15432 -U streamgate streamgate"),
        lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.endsWith("/v1/views/customers/c-9")), lines.toString());
  }

  @Test
  void progressLinesShowElapsedSecondsAndTheComponent() {
    assertEquals("[  6.3s] kafka      listening", StartupProgress.format(Duration.ofMillis(6_340), "kafka", "listening"));
  }
}
