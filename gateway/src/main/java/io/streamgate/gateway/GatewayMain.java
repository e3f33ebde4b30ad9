package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.http.AccessLogWriter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway process: {@code GatewayMain [--config FILE]}. Exit codes: 0 after {@code --help}
 * or a clean shutdown, 2 for bad arguments or configuration, 1 if startup fails otherwise.
 */
public final class GatewayMain {
  static final int EXIT_USAGE = 2;
  static final int EXIT_FAILURE = 1;
  private static final long SHUTDOWN_MARGIN_MS = 5_000;

  static final String USAGE = """
      Usage: gateway [--config FILE] [--help]

      Serves the views the stream processor keeps in Redis over HTTP (Vert.x, JWT).

        --config FILE   YAML configuration (default: $STREAMGATE_CONFIG, else built-in defaults)
        --help          show this help and exit

      Environment overrides (win over the file):
        STREAMGATE_HTTP_HOST, STREAMGATE_HTTP_PORT   http.host, http.port
        STREAMGATE_REDIS_URL                         redis.url
        STREAMGATE_NAMESPACE                         redis.namespace
        STREAMGATE_JWT_SECRET_FILE                   secretFile of the first HS256 key

      Endpoints: GET /v1/views, /v1/views/{view}/{key}, /v1/views/{view}?keys=a,b,
      /v1/views/{view}?limit=&cursor=, /v1/views/{view}/top?n=, /health/live, /health/ready,
      /metrics, /openapi.json (OpenAPI 3.1 description of all of them).
      """;

  private GatewayMain() {}

  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.out, System.err);
    if (status >= 0) {
      System.exit(status);
    }
  }

  /**
   * Parses arguments and starts the gateway.
   *
   * @return an exit status, or -1 if the gateway is running (the JVM then lives on until it is
   *     told to stop; a shutdown hook closes the gateway)
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Path configFile;
    try {
      configFile = parseArgs(args, env);
    } catch (IllegalArgumentException e) {
      err.println("gateway: " + e.getMessage());
      err.println("Run with --help for usage.");
      return EXIT_USAGE;
    }
    if (configFile == HELP) {
      out.print(USAGE);
      return 0;
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      err.println("gateway: " + e.getMessage());
      return EXIT_USAGE;
    }
    return start(config, err);
  }

  private static final Path HELP = Path.of("--help");

  /** The config file, {@link #HELP}, or null for none. */
  static Path parseArgs(String[] args, Map<String, String> env) {
    String file = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return HELP;
      } else if (arg.equals("--config")) {
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
          throw new IllegalArgumentException("--config needs a file name");
        }
        file = args[++i];
      } else if (arg.startsWith("--config=")) {
        file = arg.substring("--config=".length());
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    if (file == null) {
      String fromEnv = env.get(ConfigLoader.ENV_CONFIG);
      file = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
    }
    return file == null ? null : Path.of(file);
  }

  private static int start(GatewayConfig config, PrintStream err) {
    Logger log = LoggerFactory.getLogger(GatewayMain.class);
    // Native epoll on Linux x86-64 (the dependency is bundled), Java NIO elsewhere.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    if (vertx.isNativeTransportEnabled()) {
      log.info("network transport: native epoll");
    } else {
      log.info("network transport: Java NIO (native epoll unavailable: {})",
          vertx.unavailableNativeTransportCause() == null ? "not Linux x86-64"
              : vertx.unavailableNativeTransportCause().toString());
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      err.println("gateway: " + e.getMessage());
      vertx.close();
      return EXIT_USAGE;
    } catch (Exception e) {
      log.error("gateway failed to start: {}", e.getMessage(), e);
      vertx.close();
      return EXIT_FAILURE;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down: refusing new connections; requests in flight get up to {} ms",
          config.http().shutdownGraceMs());
      try {
        // Requests in flight get http.shutdownGraceMs; the rest of the close gets a margin.
        gateway.close().eventually(vertx::close).await(
            config.http().shutdownGraceMs() + SHUTDOWN_MARGIN_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not finish cleanly: {}", e.toString());
      }
      AccessLogWriter.closeShared(1_000); // write the last requests' lines
    }, "gateway-shutdown"));
    return -1;
  }
}
