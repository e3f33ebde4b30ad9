package io.streamgate.loadtest.bench.scenario;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A trivial HTTP server (200 "ok", or a fixed body of {@code --body-bytes}, on every path) in its
 * own process, to measure the tool's ceiling against.
 */
@Command(name = "noop-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serves 200 'ok' (or --body-bytes N bytes) on every path until stopped (Ctrl-C), for measuring the tool's own ceiling "
        + "with client and server on separate cores:",
        "  taskset -c 0 ./streamgate bench noop-server --port 18999 &",
        "  taskset -c 1 ./streamgate bench noop --target http://127.0.0.1:18999"})
public final class NoopServer implements Callable<Integer> {
  @Option(names = "--port", paramLabel = "N", defaultValue = "18999", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1",
      description = "Server event loops (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  @Option(names = "--body-bytes", paramLabel = "N",
      description = "Answer N bytes ('x'..., a newline last) instead of 'ok': the toolkit's own "
          + "ceiling beside servers answering the same body (loadtest/bench/peers.sh, server vertx).")
  Integer bodyBytes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (bodyBytes != null && (bodyBytes < 1 || bodyBytes > 1 << 20)) {
      throw new ParameterException(spec.commandLine(), "--body-bytes must be 1-1048576, but was " + bodyBytes);
    }
    Buffer body = Buffer.buffer(bodyBytes == null ? "ok" : "x".repeat(bodyBytes - 1) + "\n");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, eventLoops)));
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("Content-Type", "text/plain").end(body))
        .listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    spec.commandLine().getOut().println("noop server on http://127.0.0.1:" + server.actualPort()
        + " (" + eventLoops + " event loop(s)); Ctrl-C to stop");
    spec.commandLine().getOut().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // Exiting anyway.
      }
      stopped.countDown();
    }, "noop-server-stop"));
    stopped.await();
    return 0;
  }
}
