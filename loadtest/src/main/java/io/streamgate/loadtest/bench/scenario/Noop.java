package io.streamgate.loadtest.bench.scenario;

import io.streamgate.loadtest.bench.ScenarioCommand;
import io.streamgate.loadtest.bench.load.Driver;
import io.streamgate.loadtest.bench.load.Http;
import io.streamgate.loadtest.bench.load.Probe;
import io.streamgate.loadtest.bench.load.ProbeFailure;
import io.streamgate.loadtest.bench.load.Target;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.streamgate.loadtest.bench.report.Results;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The tool's own ceiling: GETs against a trivial endpoint. Without --target, a built-in server
 * (its own Vert.x, one event loop, answers 200 "ok") runs in this JVM; with --target, the URL is
 * requested as given (e.g. a gateway's /health/live).
 */
@Command(name = "noop", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The tool's own ceiling: GET against a trivial endpoint. Without --target a built-in "
        + "server in this JVM answers 200 'ok'; with --target URL that URL is requested as is.",
        "Pin the halves apart to see the client alone: taskset -c 1 ./streamgate bench noop "
            + "--target http://127.0.0.1:PORT/ against a server on CPU 0."})
public final class Noop extends ScenarioCommand {
  @Option(names = "--path", paramLabel = "PATH", defaultValue = "/",
      description = "Path to request under the target (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--client", paramLabel = "vertx|jdk", defaultValue = "vertx",
      description = "HTTP client: vertx (pooled Vert.x HttpClient, what every scenario uses) or jdk "
          + "(java.net.http sendAsync), to compare the two (default: ${DEFAULT-VALUE}).")
  String client;

  @Override
  protected void validate() {
    if (!client.equals("vertx") && !client.equals("jdk")) {
      throw new IllegalArgumentException("--client must be vertx or jdk, but was '" + client + "'");
    }
  }

  @Override
  protected String name() {
    return "noop";
  }

  @Override
  protected boolean needsToken() {
    return false;
  }

  @Override
  protected Results execute(Vertx vertx, Measurements measurements, Instant startedAt) throws Exception {
    Vertx serverVertx = null;
    Target target;
    if (common.targetGiven()) {
      target = common.targets().get(0);
    } else {
      serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      HttpServer server = serverVertx.createHttpServer()
          .requestHandler(request -> request.response().putHeader("Content-Type", "text/plain").end("ok"))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      target = Target.parse("http://127.0.0.1:" + server.actualPort());
      out().println("built-in noop server on " + target.url() + " (same JVM, 1 event loop)");
    }
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.http.HttpRequest jdkRequest = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create((target.tls() ? "https://" : "http://") + target.host() + ":" + target.port()
            + target.path(path))).timeout(common.timeout()).build();
    try (Http http = new Http(vertx, target, common.connections(), common.token(), common.timeout().toMillis(),
        common.insecure())) {
      Probe probe = client.equals("jdk")
          ? () -> Future.fromCompletionStage(jdk.sendAsync(jdkRequest,
              java.net.http.HttpResponse.BodyHandlers.ofByteArray())).compose(r -> r.statusCode() == 200
              ? Future.succeededFuture() : Future.failedFuture(new ProbeFailure("http_" + r.statusCode(), "")))
          : () -> Http.expect(http.get(path), 200);
      Driver driver = driver(vertx, probe, measurements);
      run(driver, measurements);
      return results("requests", startedAt, List.of(target.url()), driver, measurements,
          Map.of("server", serverVertx != null ? "built-in, same JVM" : "external", "client", client), List.of());
    } finally {
      if (serverVertx != null) {
        serverVertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
