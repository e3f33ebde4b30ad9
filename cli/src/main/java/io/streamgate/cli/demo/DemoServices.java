package io.streamgate.cli.demo;

import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.PostgresServer;
import io.streamgate.harness.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * How each demo process is started: command line, environment, log file, and the markers its
 * pid file records. Each start returns once the harness reports the process started (Redis and
 * Kafka: serving; JVMs: launched), and writes the pid file. Called from the starting thread.
 */
final class DemoServices {
  static final String PROCESSOR_MAIN = "io.streamgate.processor.ProcessorMain";
  static final String GATEWAY_MAIN = "io.streamgate.gateway.GatewayMain";
  static final String GENERATOR_MAIN = "io.streamgate.loadtest.OrderGenerator";
  static final String CONNECTOR_MAIN = "io.streamgate.connector.ConnectorMain";
  /**
   * The demo schema: created once, seeded once (a later run keeps what people changed). Quoted
   * "customerId" keeps its case in the change events; REPLICA IDENTITY FULL gives updates and
   * deletes the whole old row, which customers_by_city needs to retract a customer from its city.
   * {@code accounts} says which customer each of the order generator's users (user-001 …
   * user-050) belongs to, round robin over c-1 … c-6: the lookup table customer_tiers joins it to
   * customers, so revenue_by_tier can give each order its customer's tier.
   */
  static final String DEMO_SCHEMA = """
      CREATE TABLE IF NOT EXISTS customers ("customerId" text PRIMARY KEY, name text NOT NULL, tier text,
        city text);
      ALTER TABLE customers REPLICA IDENTITY FULL;
      INSERT INTO customers VALUES
        ('c-1', 'Ada Lovelace', 'gold', 'London'), ('c-2', 'Alan Turing', 'silver', 'London'),
        ('c-3', 'Grace Hopper', 'gold', 'New York'), ('c-4', 'Edsger Dijkstra', 'bronze', 'Amsterdam'),
        ('c-5', 'Barbara Liskov', 'gold', 'Boston'), ('c-6', 'Donald Knuth', 'silver', 'Stanford')
        ON CONFLICT DO NOTHING;
      CREATE TABLE IF NOT EXISTS accounts ("userId" text PRIMARY KEY, "customerId" text NOT NULL);
      INSERT INTO accounts SELECT 'user-' || lpad(n::text, 3, '0'), 'c-' || ((n - 1) % 6 + 1)
        FROM generate_series(1, 50) AS n ON CONFLICT DO NOTHING;
      """;
  /**
   * Spark stops its queries on SIGTERM, but could hang in a batch whose broker is already gone.
   * Children are stopped last-started-first, so Kafka is still up; if it still hangs, killing it
   * is safe: checkpoints stay consistent and row writes are idempotent by version.
   */
  private static final Duration PROCESSOR_GRACE = Duration.ofSeconds(10);
  private static final Duration JVM_GRACE = Duration.ofSeconds(10);
  private static final int TOPIC_PARTITIONS = 2;
  /**
   * Task slots of the demo's Spark: its three real-time views hold one per partition of orders
   * each (6), a new version of one during {@code views apply} 2 more, and the micro-batch queries
   * (dead letters, a backfill) share the rest (2). Slots are threads, not cores: the CPU they use
   * is what their work costs.
   */
  static final String SPARK_MASTER = "local[10]";

  private final DemoSettings settings;
  private final StateDir state;
  private final PidFiles pids;

  DemoServices(DemoSettings settings, StateDir state, PidFiles pids) {
    this.settings = settings;
    this.state = state;
    this.pids = pids;
  }

  Child redis() throws IOException {
    RedisServer redis = RedisServer.start(RedisServer.Options.defaults()
        .withPort(settings.redisPort())
        .withDir(state.redis())
        .withLogFile(state.log("redis"))
        // Kafka's log and Spark's checkpoints survive a restart without --fresh; so must the rows.
        .withPersistent(true));
    // redis-server retitles itself "redis-server 127.0.0.1:<port>".
    return registered("redis", redis.pid(), state.log("redis"), redis::close,
        List.of("redis-server", ":" + settings.redisPort()));
  }

  Child kafka() throws IOException {
    KafkaBroker broker = KafkaBroker.start(KafkaBroker.Options.defaults()
        .withPort(settings.kafkaPort())
        .withDir(state.kafka())
        .withLogFile(state.log("kafka")));
    return registered("kafka", broker.pid(), state.log("kafka"), broker::close,
        List.of("kafka.Kafka", state.kafka().resolve("server.properties").toString()));
  }

  /** Creates the orders topic up front, so the processor and the order tap find its partitions. */
  void createOrdersTopic() throws IOException {
    createOrdersTopic(settings.kafkaBootstrap(), 1);
  }

  /** The orders topic with {@code replicas} replicas (the brokers' min.insync.replicas applies). */
  void createOrdersTopic(String kafkaBootstrap, int replicas) throws IOException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(DemoSettings.ORDERS_TOPIC, TOPIC_PARTITIONS, (short) replicas)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IOException("cannot create topic '" + DemoSettings.ORDERS_TOPIC + "': " + e.getCause(), e);
      }
    } catch (TimeoutException e) {
      throw new IOException("cannot create topic '" + DemoSettings.ORDERS_TOPIC + "' within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating topic '" + DemoSettings.ORDERS_TOPIC + "'", e);
    }
  }

  /**
   * The demo PostgreSQL ({@code --with-postgres}) with {@link #DEMO_SCHEMA}; its data directory
   * stays under the state directory.
   *
   * @throws IllegalStateException one line saying how to install PostgreSQL if it is missing
   */
  PostgresServer postgres() {
    PostgresServer db = PostgresServer.start(PostgresServer.Options.defaults()
        .withPort(settings.postgresPort())
        .withDir(state.postgres())
        .withLogFile(state.log("postgres")));
    try {
      db.psql(DEMO_SCHEMA);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  Child registered(PostgresServer db) throws IOException {
    return registered("postgres", db.pid(), state.log("postgres"), db::close,
        List.of("postgres", state.postgres().toString()));
  }

  /** The change connector: its own JVM and classpath (Debezium), position under the state dir. */
  Child connector() throws IOException {
    Map<String, String> env = Map.of(
        "STREAMGATE_DB_PORT", Integer.toString(settings.postgresPort()),
        "STREAMGATE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap(),
        "STREAMGATE_CONNECTOR_STATE_DIR", state.connector().toString());
    Path config = settings.connectorConfig();
    return java("connector", "connector", List.of("-Xmx256m", "-XX:+UseSerialGC"), CONNECTOR_MAIN,
        List.of("--config", config.toString()), env, JVM_GRACE, List.of(CONNECTOR_MAIN, config.toString()));
  }

  Child processor() throws IOException {
    return processor(settings.pipeline());
  }

  Child processor(Path pipeline) throws IOException {
    List<String> args = List.of(
        "--pipeline", pipeline.toString(),
        "--kafka", settings.kafkaBootstrap(),
        "--redis", settings.redisUrl(),
        "--checkpoints", state.checkpoints().toString(),
        "--master", SPARK_MASTER,
        "--namespace", DemoSettings.NAMESPACE,
        "--metrics-port", Integer.toString(settings.processorMetricsPort()));
    return java("processor", "stream-processor", ProcessorJvm.options(settings.root()), PROCESSOR_MAIN, args,
        Map.of(), PROCESSOR_GRACE, List.of(PROCESSOR_MAIN, state.checkpoints().toString()));
  }

  /** The name of gateway {@code index}: "gateway" alone, "gateway-1".."gateway-N" with several. */
  String gatewayName(int index) {
    return settings.gateways() == 1 ? "gateway" : "gateway-" + (index + 1);
  }

  Child gateway(int index) throws IOException {
    return gateway(index, settings.redisUrl(), "standalone", settings.kafkaBootstrap());
  }

  /** Gateway {@code index} on the given Redis ({@code cluster} mode: seed URLs) and Kafka. */
  Child gateway(int index, String redisUrl, String redisMode, String kafkaBootstrap) throws IOException {
    Map<String, String> env = Map.of(
        "STREAMGATE_HTTP_PORT", Integer.toString(settings.gatewayPort(index)),
        "STREAMGATE_MANAGEMENT_PORT", Integer.toString(settings.managementPort(index)),
        "STREAMGATE_REDIS_URL", redisUrl,
        "STREAMGATE_REDIS_MODE", redisMode,
        "STREAMGATE_NAMESPACE", DemoSettings.NAMESPACE,
        "STREAMGATE_JWT_SECRET_FILE", state.secretFile().toString(),
        "STREAMGATE_KAFKA_BOOTSTRAP", kafkaBootstrap);
    Path config = settings.gatewayConfig();
    String name = gatewayName(index);
    // G1 explicitly: on a small machine (under 2 CPUs or 1792 MB) the JVM picks the serial
    // collector, whose young pauses (10-25 ms at 80,000 reads/s) set the gateway's p99. The
    // whole heap from the start (and touched): grown from 64 MB, G1 held it near 80 MB, where
    // the near cache's rows passed the marking threshold and a concurrent cycle with a 6 ms
    // remark pause ran five times a second under load.
    return java(name, "gateway",
        List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC"), GATEWAY_MAIN,
        List.of("--config", config.toString()), env, JVM_GRACE, List.of(GATEWAY_MAIN, config.toString()));
  }

  Child generator() throws IOException {
    return generator(settings.kafkaBootstrap());
  }

  Child generator(String kafkaBootstrap) throws IOException {
    List<String> args = List.of("--bootstrap", kafkaBootstrap, "--topic", DemoSettings.ORDERS_TOPIC,
        "--rate", Double.toString(settings.rate()));
    return java("generator", "loadtest", List.of("-Xmx128m"), GENERATOR_MAIN, args, Map.of(), JVM_GRACE,
        List.of(GENERATOR_MAIN, kafkaBootstrap));
  }

  private Child java(String name, String module, List<String> jvmOptions, String mainClass, List<String> args,
      Map<String, String> env, Duration grace, List<String> markers) throws IOException {
    ManagedProcess process;
    try {
      process = ManagedProcess.startJava(name, module, jvmOptions, mainClass, args, env, state.log(name));
    } catch (IllegalStateException e) {
      // The harness says which classpath file is missing.
      throw new IOException(e.getMessage(), e);
    }
    Child child = new Child(name, process.pid(), process.logFile(), () -> process.stop(grace));
    pids.write(name, child.pid(), markers);
    return child;
  }

  /** A service the harness runs; its pid file lets the next demo stop it if this one is SIGKILLed. */
  Child registered(String name, long pid, Path log, Runnable stopper, List<String> markers)
      throws IOException {
    pids.write(name, pid, markers);
    return new Child(name, pid, log, stopper);
  }
}
