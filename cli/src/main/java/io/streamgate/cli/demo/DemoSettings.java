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
 */
public record DemoSettings(Path root, Path stateDir, int httpPort, int kafkaPort, int redisPort, boolean fresh,
    double rate, boolean generator, Duration startupTimeout) {
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_REDIS_PORT = 16379;
  public static final double DEFAULT_RATE = 20;
  /** Spark's first start (JIT, state stores) dominates: about a minute on 2 cores. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(4);
  /** Redis key prefix shared by the processor and the gateway. */
  public static final String NAMESPACE = "sg";
  /** The topic the demo's pipeline reads and the generator writes. */
  public static final String ORDERS_TOPIC = "orders";

  public DemoSettings {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    requirePort("--port", httpPort);
    requirePort("--kafka-port", kafkaPort);
    requirePort("--redis-port", redisPort);
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a positive number of events per second, but was " + rate);
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("--startup-timeout must be positive, but was " + startupTimeout.toSeconds());
    }
    root = root.toAbsolutePath().normalize();
    stateDir = stateDir.toAbsolutePath().normalize();
  }

  /** The defaults of {@code ./streamgate demo} for a repo at {@code root}. */
  public static DemoSettings defaults(Path root) {
    return new DemoSettings(root, Path.of(".streamgate"), DEFAULT_HTTP_PORT, DEFAULT_KAFKA_PORT,
        DEFAULT_REDIS_PORT, false, DEFAULT_RATE, true, DEFAULT_STARTUP_TIMEOUT);
  }

  public DemoSettings withPorts(int http, int kafka, int redis) {
    return new DemoSettings(root, stateDir, http, kafka, redis, fresh, rate, generator, startupTimeout);
  }

  public DemoSettings withStateDir(Path dir) {
    return new DemoSettings(root, dir, httpPort, kafkaPort, redisPort, fresh, rate, generator, startupTimeout);
  }

  public DemoSettings withGenerator(boolean on) {
    return new DemoSettings(root, stateDir, httpPort, kafkaPort, redisPort, fresh, rate, on, startupTimeout);
  }

  public Path pipeline() {
    return root.resolve("deploy/local/pipeline.yaml");
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
