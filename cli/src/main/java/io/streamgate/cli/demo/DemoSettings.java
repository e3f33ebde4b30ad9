package io.streamgate.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a demo run is told: where the repo and the state live, the ports it listens on, and
 * whether the order generator runs. Immutable; validated on construction.
 *
 * @param root the repo root (deploy/local/ and each module's target/ are found from it)
 * @param rate order events per second from the generator
 * @param startupTimeout how long startup may take before the demo gives up
 * @param gateways how many gateways to run, on ports {@code httpPort} and up, all on one Redis
 * @param processorMetricsPort where the processor serves {@code /metrics} (Prometheus scrapes it,
 *     deploy/observability/prometheus/prometheus.yml)
 * @param managementPort the first gateway's management listener ({@code /metrics}, health
 *     details, the admin API that {@code ./streamgate views} calls); the others follow on
 *     consecutive ports, like the HTTP ports
 * @param postgres also run a PostgreSQL with the demo schema and the change connector, and serve
 *     its customers table ({@code --with-postgres})
 * @param postgresPort the PostgreSQL's port
 */
public record DemoSettings(Path root, Path stateDir, int httpPort, int kafkaPort, int redisPort, boolean fresh,
    double rate, boolean generator, Duration startupTimeout, int gateways, int processorMetricsPort,
    int managementPort, boolean postgres, int postgresPort) {
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_REDIS_PORT = 16379;
  /** The processor's metrics port in the demo, compose and Kubernetes alike. */
  public static final int DEFAULT_PROCESSOR_METRICS_PORT = 9464;
  /** The gateway's management port (its config default), then 9091, 9092 with more gateways. */
  public static final int DEFAULT_MANAGEMENT_PORT = 9090;
  public static final double DEFAULT_RATE = 20;
  /** Spark's first start (JIT, state stores) dominates: about a minute on 2 cores. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(4);
  /** More gateways than cores only show that limits and push are shared; 8 is plenty for that. */
  public static final int MAX_GATEWAYS = 8;
  /** Redis key prefix shared by the processor and the gateway. */
  public static final String NAMESPACE = "sg";
  /** The topic the demo's pipeline reads and the generator writes. */
  public static final String ORDERS_TOPIC = "orders";
  /** The demo PostgreSQL's port (--postgres-port). */
  public static final int DEFAULT_POSTGRES_PORT = 15432;

  public DemoSettings {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    if (gateways < 1 || gateways > MAX_GATEWAYS) {
      throw new IllegalArgumentException("--gateways must be 1-" + MAX_GATEWAYS + ", but was " + gateways);
    }
    requirePort("--port", httpPort);
    requirePort("--port", httpPort + gateways - 1);
    requirePort("--kafka-port", kafkaPort);
    requirePort("--redis-port", redisPort);
    requirePort("--processor-metrics-port", processorMetricsPort);
    requirePort("--management-port", managementPort);
    requirePort("--management-port", managementPort + gateways - 1);
    requirePort("--postgres-port", postgresPort);
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a positive number of events per second, but was " + rate);
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("--startup-timeout must be positive, but was " + startupTimeout.toSeconds());
    }
    root = root.toAbsolutePath().normalize();
    stateDir = stateDir.toAbsolutePath().normalize();
  }

  /** Without PostgreSQL. */
  public DemoSettings(Path root, Path stateDir, int httpPort, int kafkaPort, int redisPort, boolean fresh,
      double rate, boolean generator, Duration startupTimeout, int gateways, int processorMetricsPort,
      int managementPort) {
    this(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout, gateways,
        processorMetricsPort, managementPort, false, DEFAULT_POSTGRES_PORT);
  }

  /** One gateway, the processor's metrics on their default port. */
  public DemoSettings(Path root, Path stateDir, int httpPort, int kafkaPort, int redisPort, boolean fresh,
      double rate, boolean generator, Duration startupTimeout) {
    this(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout, 1,
        DEFAULT_PROCESSOR_METRICS_PORT, DEFAULT_MANAGEMENT_PORT);
  }

  /** The defaults of {@code ./streamgate demo} for a repo at {@code root}. */
  public static DemoSettings defaults(Path root) {
    return new DemoSettings(root, Path.of(".streamgate"), DEFAULT_HTTP_PORT, DEFAULT_KAFKA_PORT,
        DEFAULT_REDIS_PORT, false, DEFAULT_RATE, true, DEFAULT_STARTUP_TIMEOUT, 1, DEFAULT_PROCESSOR_METRICS_PORT,
        DEFAULT_MANAGEMENT_PORT);
  }

  public DemoSettings withPorts(int http, int kafka, int redis) {
    return new DemoSettings(root, stateDir, http, kafka, redis, fresh, rate, generator, startupTimeout, gateways,
        processorMetricsPort, managementPort, postgres, postgresPort);
  }

  public DemoSettings withStateDir(Path dir) {
    return new DemoSettings(root, dir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout,
        gateways, processorMetricsPort, managementPort, postgres, postgresPort);
  }

  public DemoSettings withGenerator(boolean on) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, on, startupTimeout,
        gateways, processorMetricsPort, managementPort, postgres, postgresPort);
  }

  public DemoSettings withStartupTimeout(Duration timeout) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, timeout,
        gateways, processorMetricsPort, managementPort, postgres, postgresPort);
  }

  public DemoSettings withGateways(int count) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout,
        count, processorMetricsPort, managementPort, postgres, postgresPort);
  }

  public DemoSettings withProcessorMetricsPort(int port) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout,
        gateways, port, managementPort, postgres, postgresPort);
  }

  public DemoSettings withManagementPort(int port) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout,
        gateways, processorMetricsPort, port, postgres, postgresPort);
  }

  public DemoSettings withPostgres(boolean on, int port) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout,
        gateways, processorMetricsPort, managementPort, on, port);
  }

  /** The management port of gateway {@code index} (0-based): consecutive from {@link #managementPort}. */
  public int managementPort(int index) {
    return managementPort + index;
  }

  /** The HTTP port of gateway {@code index} (0-based): consecutive from {@link #httpPort}. */
  public int gatewayPort(int index) {
    return httpPort + index;
  }

  public Path pipeline() {
    return root.resolve("deploy/local/pipeline.yaml");
  }

  /** With {@link #postgres}: the sources and views added to {@link #pipeline()}. */
  public Path postgresPipeline() {
    return root.resolve("deploy/local/pipeline-postgres.yaml");
  }

  /** With {@link #postgres}: the connector's configuration (ports and state come from the environment). */
  public Path connectorConfig() {
    return root.resolve("deploy/local/connector-postgres.yaml");
  }

  public Path gatewayConfig() {
    return root.resolve("deploy/local/gateway.yaml");
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  public String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  private static void requirePort(String flag, int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(flag + " must be a TCP port (1-65535), but was " + port);
    }
  }
}
