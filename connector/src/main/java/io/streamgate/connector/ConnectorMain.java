package io.streamgate.connector;

import io.streamgate.connector.config.ConfigException;
import io.streamgate.connector.config.ConfigLoader;
import io.streamgate.connector.config.ConnectorConfig;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change data capture process: {@code ConnectorMain --config FILE [--metrics-port N]}. Exit
 * codes: 0 after {@code --help} or a clean shutdown, 2 for bad arguments or configuration, 1 if
 * the engine fails (a supervisor restarts it; it resumes from its stored offsets).
 */
public final class ConnectorMain {
  static final int EXIT_USAGE = 2;
  static final int EXIT_FAILURE = 1;

  static final String USAGE = """
      Usage: connector --config FILE [--metrics-port N] [--help]

      Captures a PostgreSQL database's row changes with Debezium (pgoutput) and writes them to
      Kafka as Debezium JSON change events, topic <topicPrefix>.<schema>.<table>.

        --config FILE      YAML configuration (see connector/connector.example.yaml)
        --metrics-port N   serve GET /metrics (Prometheus) and /health/live on 127.0.0.1:N
        --help             show this help and exit

      Environment overrides (win over the file):
        STREAMGATE_KAFKA_BOOTSTRAP       kafka.bootstrapServers
        STREAMGATE_DB_HOST, STREAMGATE_DB_PORT, STREAMGATE_DB_NAME, STREAMGATE_DB_USER
                                         database.host, .port, .dbname, .user
        STREAMGATE_DB_PASSWORD           the database password (else database.passwordFile)
        STREAMGATE_TOPIC_PREFIX          topicPrefix
        STREAMGATE_CONNECTOR_STATE_DIR   stateDir (offsets)
      """;

  private ConnectorMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  record Arguments(Path config, int metricsPort, boolean help) {}

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Arguments arguments;
    try {
      arguments = parseArgs(args);
    } catch (IllegalArgumentException e) {
      err.println("connector: " + e.getMessage());
      err.println("Run with --help for usage.");
      return EXIT_USAGE;
    }
    if (arguments.help()) {
      out.print(USAGE);
      return 0;
    }
    ConnectorConfig config;
    try {
      config = ConfigLoader.load(arguments.config(), env);
    } catch (ConfigException e) {
      err.println("connector: " + e.getMessage());
      return EXIT_USAGE;
    }
    return runConnector(config, arguments.metricsPort(), err);
  }

  static Arguments parseArgs(String[] args) {
    Path config = null;
    int metricsPort = -1;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Arguments(null, -1, true);
      } else if (arg.equals("--config")) {
        config = Path.of(value(args, ++i, "--config", "a file name"));
      } else if (arg.equals("--metrics-port")) {
        String port = value(args, ++i, "--metrics-port", "a port number");
        try {
          metricsPort = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          metricsPort = -2;
        }
        if (metricsPort < 0 || metricsPort > 65_535) {
          throw new IllegalArgumentException("--metrics-port must be 0-65535, but was '" + port + "'");
        }
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    if (config == null) {
      throw new IllegalArgumentException("--config FILE is required");
    }
    return new Arguments(config, metricsPort, false);
  }

  private static String value(String[] args, int i, String option, String what) {
    if (i >= args.length || args[i].isBlank()) {
      throw new IllegalArgumentException(option + " needs " + what);
    }
    return args[i];
  }

  private static int runConnector(ConnectorConfig config, int metricsPort, PrintStream err) {
    Logger log = LoggerFactory.getLogger(ConnectorMain.class);
    ConnectorMetrics metrics = new ConnectorMetrics(Clock.systemUTC());
    MetricsServer metricsServer = null;
    if (metricsPort >= 0) {
      try {
        metricsServer = MetricsServer.start("127.0.0.1", metricsPort, metrics);
      } catch (UncheckedIOException e) {
        err.println("connector: " + e.getMessage());
        return EXIT_USAGE;
      }
      log.info("metrics on http://127.0.0.1:{}/metrics", metricsServer.port());
    }
    log.info("connector starting: {} tables {} -> Kafka {} (state {})", config.database(), config.tables(),
        config.kafka().bootstrapServers(), config.stateDir().toAbsolutePath());
    ChangeConnector connector;
    try {
      connector = ChangeConnector.start(config, metrics);
    } catch (RuntimeException e) {
      log.error("connector failed to start: {}", e.toString(), e);
      return EXIT_FAILURE;
    }
    Thread shutdown = new Thread(() -> {
      log.info("shutting down: storing the positions Kafka acknowledged");
      connector.close();
    }, "connector-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      connector.await();
      log.info("connector stopped");
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      log.error("connector failed: {}", cause.getMessage(), cause.getCause() != null ? cause.getCause() : cause);
      try {
        Runtime.getRuntime().removeShutdownHook(shutdown);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway; close() is idempotent
      }
      connector.close();
      return EXIT_FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connector.close();
      return EXIT_FAILURE;
    } finally {
      if (metricsServer != null) {
        metricsServer.close();
      }
    }
  }
}
