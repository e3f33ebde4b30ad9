package io.streamgate.cli.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamgate.cli.Main;
import io.streamgate.cli.token.DemoSecret;
import io.streamgate.contract.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamgate views} against a stand-in admin API (the JDK's HTTP server): what each
 * subcommand sends, what it prints, its exit code. The real gateway is DemoIT's.
 */
class ViewsCommandTest {
  @TempDir Path dir;
  HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile String answer = "{}";
  volatile long delayMs;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    ViewsCommand.Base.env = Map.of();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    ViewsCommand.Base.env = System.getenv();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
        + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", status == 200 ? "application/json"
        : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path pipeline() throws IOException {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, """
        views:
          biggest:
            source: orders
            sql: SELECT userId, max(amount) AS biggest FROM orders GROUP BY userId
            key: userId
        """);
    return file;
  }

  @Test
  void applySendsTheFileAsJsonAndPrintsALinePerView() throws IOException {
    answer = "{\"id\":\"r1\",\"ok\":true,\"results\":[{\"view\":\"biggest\",\"outcome\":\"created\","
        + "\"version\":1,\"detail\":\"v1 backfilling\"}]}";
    Run run = run("views", "apply", "-f", pipeline().toString(), "--gateway", url(), "--token", "tok");
    assertEquals(0, run.exit(), run.err());
    assertEquals("biggest: created → v1 backfilling\n", run.out());
    String request = requests.get(0);
    assertTrue(request.startsWith("POST /admin/v1/views/apply Bearer tok {\"pipeline\":{\"views\":"
        + "{\"biggest\":{\"source\":\"orders\""), request);
    assertTrue(request.endsWith(",\"file\":" + Json.write(pipeline().toString()) + "}"), request);

    run("views", "apply", "-f", pipeline().toString(), "--dry-run", "--gateway", url(), "--token", "t");
    assertTrue(requests.get(1).startsWith("POST /admin/v1/views/apply?dryRun=true "), requests.get(1));
  }

  @Test
  void aRefusedApplyPrintsTheErrorLinesAndExits1() throws IOException {
    status = 422;
    answer = "{\"type\":\"https://streamgate.dev/problems/invalid-pipeline\",\"detail\":\"x\","
        + "\"errors\":[\"views.biggest.sql: no column amount\"]}";
    Run run = run("views", "apply", "-f", pipeline().toString(), "--gateway", url(), "--token", "t");
    assertEquals(1, run.exit());
    assertEquals("", run.out());
    assertTrue(run.err().contains("  views.biggest.sql: no column amount"), run.err());
  }

  @Test
  void aSlowProcessorShowsProgressAndATimeoutExits1() throws IOException {
    delayMs = 2_300;
    status = 504;
    answer = "{\"type\":\"https://streamgate.dev/problems/processor-timeout\",\"detail\":"
        + "\"the processor did not answer request r9 within 60 s; is it running?\"}";
    Run run = run("views", "apply", "-f", pipeline().toString(), "--gateway", url(), "--token", "t");
    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("waiting for the processor…"), run.err());
    assertTrue(run.err().contains("error: the processor did not answer request r9 within 60 s;"
        + " is it running? (504)"), run.err());
  }

  @Test
  void withoutATokenOneIsMintedFromTheDemoSecretWithScopeAdmin() throws IOException {
    DemoSecret.loadOrCreate(dir.resolve(DemoSecret.FILE_NAME));
    answer = "{\"views\":[]}";
    ViewsCommand.Base.env = Map.of(ViewsCommand.ENV_ADMIN_URL, url());
    Run run = run("views", "list", "--state-dir", dir.toString());
    assertEquals(0, run.exit(), run.err());
    String auth = requests.get(0).split(" ")[3];
    Map<String, Object> claims = Json.parseObject(new String(
        Base64.getUrlDecoder().decode(auth.split("\\.")[1]), StandardCharsets.UTF_8));
    assertEquals("admin", claims.get("scope"));
    assertEquals(AdminOptions.subject(), claims.get("sub"));
    long ttl = ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue();
    assertEquals(300, ttl);

    Run none = run("views", "list", "--state-dir", dir.resolve("nowhere").toString());
    assertEquals(1, none.exit());
    assertTrue(none.err().contains("no token: pass --token T or set STREAMGATE_TOKEN"), none.err());
  }

  @Test
  void listDescribeDropAndPreviewCallTheirEndpoints() throws IOException {
    ViewsCommand.Base.env = Map.of(ViewsCommand.ENV_TOKEN, "envtok");
    answer = "{\"views\":[{\"name\":\"a\",\"version\":1,\"state\":\"live\",\"lagRecords\":0,"
        + "\"rows\":2,\"watermarkMs\":0}]}";
    Run list = run("views", "list", "--gateway", url());
    assertEquals("NAME  VERSION  STATE  LAG  ROWS  FRESHNESS\na     v1       live   0    2     -\n",
        list.out());
    answer = "{\"name\":\"a\"}";
    assertEquals("{\n  \"name\": \"a\"\n}\n", run("views", "describe", "a", "--gateway", url()).out());
    answer = "{\"id\":\"r\",\"ok\":true,\"results\":[]}";
    assertEquals("a: dropped\n", run("views", "drop", "a", "--gateway", url()).out());
    answer = "{\"id\":\"r\",\"ok\":true,\"results\":[],\"preview\":{\"columns\":[],\"rows\":[]}}";
    assertEquals(0, run("views", "preview", "--source", "orders", "--sql", "SELECT 1 AS one",
        "--key", "one", "--limit", "5", "--gateway", url()).exit());
    assertEquals(0, run("views", "preview", "-f", pipeline().toString(), "--view", "biggest",
        "--gateway", url()).exit());
    assertEquals(List.of("GET /admin/v1/views Bearer envtok ",
        "GET /admin/v1/views/a Bearer envtok ",
        "DELETE /admin/v1/views/a Bearer envtok ",
        "POST /admin/v1/views/preview Bearer envtok {\"source\":\"orders\",\"sql\":\"SELECT 1 AS one\","
            + "\"key\":\"one\",\"limit\":5}"), requests.subList(0, 4));
    assertTrue(requests.get(4).contains("\"view\":\"biggest\",\"limit\":20}"), requests.get(4));
    assertEquals(2, run("views", "preview", "--source", "orders", "--gateway", url()).exit(),
        "--sql missing is a usage error");
  }

  @Test
  void anUnreachableGatewaySaysWhereItLooked() {
    server.stop(0);
    Run run = run("views", "list", "--gateway", url(), "--token", "t");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("cannot connect to the admin API at " + url() + "/"), run.err());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : List.of("apply", "list", "describe", "drop", "preview")) {
      Run run = run("views", sub, "--help");
      assertEquals(0, run.exit(), sub);
      assertTrue(run.out().contains("--gateway=URL"), sub + ": " + run.out());
    }
  }
}
