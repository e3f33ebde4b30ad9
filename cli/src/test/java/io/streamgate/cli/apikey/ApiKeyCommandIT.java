package io.streamgate.cli.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.cli.Main;
import io.streamgate.cli.token.DemoSecret;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.Modules;
import io.streamgate.harness.RedisServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./streamgate apikey} and {@code ./streamgate usage} against a real gateway process (the
 * demo's config) and redis-server: a created key is the last line of output and reads the API,
 * is listed without its secret, its requests show in {@code usage}, and once revoked it is
 * refused. The admin token is minted from the demo secret in {@code --state-dir}, as in the demo.
 */
class ApiKeyCommandIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private record Run(int exit, String out, String err) {
    String lastLine() {
      List<String> lines = out.strip().lines().toList();
      return lines.get(lines.size() - 1);
    }
  }

  @Test
  void createUseListUsageAndRevokeThroughTheAdminApi() throws Exception {
    DemoSecret.loadOrCreate(dir.resolve(DemoSecret.FILE_NAME));
    int port = FreePorts.find();
    int management = FreePorts.find();
    String admin = "http://127.0.0.1:" + management;
    try (RedisServer redis = RedisServer.start();
        ManagedProcess gateway = ManagedProcess.startJava("gateway", "gateway",
            List.of("-Xmx256m"), "io.streamgate.gateway.GatewayMain",
            List.of("--config", Modules.root().resolve("deploy/local/gateway.yaml").toString()),
            Map.of("STREAMGATE_HTTP_PORT", Integer.toString(port),
                "STREAMGATE_MANAGEMENT_PORT", Integer.toString(management),
                "STREAMGATE_REDIS_URL", redis.uri(),
                "STREAMGATE_JWT_SECRET_FILE", dir.resolve(DemoSecret.FILE_NAME).toString()),
            dir.resolve("gateway.log"))) {
      until(() -> status("http://127.0.0.1:" + port + "/health/live", null), s -> s == 200,
          Duration.ofSeconds(60), "gateway up: " + gateway.tail(20));

      Run help = run("apikey", "create", "--help");
      assertEquals(0, help.exit());
      assertTrue(help.out().contains("--ttl"), help.out());

      Run created = run("apikey", "create", "--sub", "cli-partner", "--scope", "views:read",
          "--plan", "metered", "--ttl", "1d", "--gateway", admin, "--state-dir", dir.toString());
      assertEquals(0, created.exit(), created.err());
      String key = created.lastLine();
      assertTrue(key.startsWith("sgk_"), created.out());
      assertTrue(created.err().contains("shown only now"), created.err());
      String id = key.substring(4, 20);

      String views = "http://127.0.0.1:" + port + "/v1/views";
      until(() -> status(views, key), s -> s == 200, Duration.ofSeconds(3), "the key accepted");

      Run list = run("apikey", "list", "--gateway", admin, "--state-dir", dir.toString());
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().contains(id) && list.out().contains("active")
          && list.out().contains("metered"), list.out());
      assertFalse(list.out().contains(key.substring(21)), "the secret is never listed");

      Run usage = until(() -> run("usage", "--sub", "cli-partner", "--gateway", admin,
          "--state-dir", dir.toString()), r -> r.exit() == 0 && r.out().contains("total")
          && r.out().lines().anyMatch(l -> l.startsWith("total") && l.contains(" 1 ")),
          Duration.ofSeconds(10), "usage flushed");
      assertTrue(usage.out().contains("REQUESTS.OK"), usage.out());

      Run revoked = run("apikey", "revoke", id, "--gateway", admin, "--state-dir",
          dir.toString());
      assertEquals(0, revoked.exit(), revoked.err());
      assertTrue(revoked.out().contains("revoked API key " + id), revoked.out());
      until(() -> status(views, key), s -> s == 401, Duration.ofSeconds(2), "refused");

      Run unknown = run("apikey", "revoke", "0000000000000000", "--gateway", admin,
          "--state-dir", dir.toString());
      assertEquals(1, unknown.exit());
      assertTrue(unknown.err().contains("(404)"), unknown.err());
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private int status(String url, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5));
    if (key != null) {
      request.header("X-API-Key", key);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static <T> T until(Supplier<T> probe, Predicate<T> done, Duration timeout,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + timeout + "; last: " + last);
      }
      Thread.sleep(50);
      last = probe.get();
    }
    return last;
  }
}
