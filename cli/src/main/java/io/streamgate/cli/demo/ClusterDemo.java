package io.streamgate.cli.demo;

import io.streamgate.harness.Directories;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.KafkaCluster;
import io.streamgate.harness.LocalService;
import io.streamgate.harness.RedisCluster;
import io.streamgate.harness.RedisServer;
import io.streamgate.harness.SparkCluster;
import io.streamgate.harness.SparkWorker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ./streamgate demo --cluster}: the demo on real clusters, each node its own process on
 * this machine: three Kafka brokers (replication 3, min.insync 2), a Spark standalone master with
 * two workers running the processor as a supervised cluster-mode driver, a Redis Cluster of three
 * primaries and three replicas, three gateways and the generator.
 *
 * <p>While it runs it acts as the machines' supervisor would: a process that dies is started
 * again after {@link #RESTART_DELAY} (a Redis primary comes back as a replica of the node that
 * took over; the Spark master itself restarts the driver). Every process, the driver included,
 * has a pid file under {@code <state>/pids/}, so a chaos run can find what to kill.
 *
 * <p>Starts from scratch every run: the Redis Cluster is formed anew, so Kafka's log and the
 * checkpoints are too. {@link #stop} may be called from any thread at any time.
 */
public final class ClusterDemo implements DemoRun {
  /** Long enough for clients to see the fault; a real supervisor waits a little too. */
  static final Duration RESTART_DELAY = Duration.ofSeconds(5);
  static final int BROKERS = 3;
  static final int WORKERS = 2;
  /** Cores each worker offers: a driver (1) and both executors (4 each) fit on one survivor. */
  static final int WORKER_CORES = 9;
  static final int GATEWAYS = 3;
  static final int REDIS_NODES = 6;
  static final int SPARK_MASTER_PORT = 7077;
  static final int SPARK_MASTER_UI_PORT = 8480;
  static final int SPARK_WORKER_UI_PORT = 8481;
  static final String DRIVER = "spark-driver";
  private static final int TAIL_LINES = 30;
  private static final String DRIVER_MAIN = "org.apache.spark.deploy.worker.DriverWrapper";

  private final DemoSettings settings;
  private final StartupProgress progress;
  private final StateDir state;
  private final PidFiles pids;
  private final GatewayClient gateway;
  private final List<Supervised> supervised = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> clusters = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private volatile boolean stopped;
  private volatile boolean ownsDemoPidFile;
  private volatile SparkCluster spark;
  private volatile long driverPid = -1;
  private String token;
  private List<String> views = List.of();
  private OrderTap.SampleOrder sample;
  private Duration startupTime;
  private String kafkaBootstrap;
  private String redisSeeds;

  /** {@code settings} with three gateways; its Kafka and Redis ports are the first of each cluster. */
  public ClusterDemo(DemoSettings settings, StartupProgress progress) {
    this.settings = settings.withGateways(GATEWAYS);
    this.progress = progress;
    this.state = new StateDir(settings.stateDir());
    this.pids = new PidFiles(state.pids());
    this.gateway = new GatewayClient(URI.create("http://127.0.0.1:" + settings.httpPort()));
  }

  @Override
  public void start() throws DemoFailure {
    try {
      token = Demo.prepare(settings, state, pids, progress, ports(settings));
      ownsDemoPidFile = true;
      Path dir = state.cluster();
      Directories.deleteRecursively(dir);
      DemoServices services = new DemoServices(settings, state, pids);
      List<Child> startupChildren = new CopyOnWriteArrayList<>();
      StartupWait wait = new StartupWait(settings.startupTimeout(), startupChildren, () -> stopping, TAIL_LINES);

      RedisCluster redis = RedisCluster.start(RedisCluster.Options.withFailover().withFirstPort(settings.redisPort())
          .withDir(dir.resolve("redis")).withLogDir(state.logs()));
      clusters.add(redis);
      redisSeeds = redis.seedUrls();
      for (RedisServer node : redis.nodes()) {
        service(services, "redis-" + node.port(), node, state.log("redis-" + node.port()),
            List.of("redis-server", ":" + node.port()));
      }
      progress.step("redis", "cluster of 3 primaries + 3 replicas on 127.0.0.1:" + settings.redisPort() + "-"
          + (settings.redisPort() + REDIS_NODES - 1) + " (a primary's replica takes over 2 s after it stops answering)");
      checkNotStopping();

      KafkaCluster kafka = KafkaCluster.start(KafkaCluster.Options.defaults().withFirstPort(settings.kafkaPort())
          .withDir(dir.resolve("kafka")).withLogDir(state.logs()));
      clusters.add(kafka);
      kafkaBootstrap = kafka.bootstrapServers();
      for (KafkaBroker broker : kafka.brokers()) {
        service(services, "kafka-" + broker.nodeId(), broker, state.log("kafka-" + broker.nodeId()),
            List.of("kafka.Kafka", broker.dir().resolve("server.properties").toString()));
      }
      services.createOrdersTopic(kafkaBootstrap, BROKERS);
      progress.step("kafka", BROKERS + " brokers on " + kafkaBootstrap + " (topic orders: replication 3,"
          + " min.insync.replicas 2)");
      checkNotStopping();

      spark = SparkCluster.start(SparkCluster.Options.defaults().withWorkers(WORKERS, WORKER_CORES, "2560m")
          .withPorts(SPARK_MASTER_PORT, SPARK_MASTER_UI_PORT, SPARK_WORKER_UI_PORT)
          .withDir(dir.resolve("spark")).withLogDir(state.logs()));
      clusters.add(spark);
      service(services, "spark-master", spark.master(), state.log("spark-master"),
          List.of("org.apache.spark.deploy.master.Master", "--port " + spark.master().port()));
      for (int i = 0; i < spark.workers().size(); i++) {
        SparkWorker worker = spark.workers().get(i);
        service(services, "spark-worker-" + (i + 1), worker, state.log("spark-worker-" + (i + 1)),
            List.of("org.apache.spark.deploy.worker.Worker", "--webui-port " + worker.port()));
      }
      progress.step("spark", "master " + spark.master().url() + " (UI http://localhost:" + SPARK_MASTER_UI_PORT
          + "), " + WORKERS + " workers (UI " + SPARK_WORKER_UI_PORT + "-" + (SPARK_WORKER_UI_PORT + WORKERS - 1) + ")");
      String driverId = spark.submit(ProcessorSubmission.of(new ProcessorSubmission.App(settings.root(),
          settings.pipeline(), kafkaBootstrap, redisSeeds, dir.resolve("checkpoints"), DemoSettings.NAMESPACE,
          settings.processorMetricsPort(), state.log("spark-submit")), spark));
      progress.step("processor", "submitted as " + driverId + " (cluster mode, supervised: the master restarts it)");

      for (int i = 0; i < GATEWAYS; i++) {
        int index = i;
        Child gw = supervise(services.gatewayName(i),
            () -> services.gateway(index, redisSeeds, "cluster", kafkaBootstrap)).current;
        startupChildren.add(gw);
        progress.step(services.gatewayName(i), "starting (pid " + gw.pid() + "), log " + gw.logFile());
      }
      Child anyGateway = startupChildren.get(0);
      String ready = wait.until("the processor's driver to start its views", anyGateway, this::driverReadyLine);
      progress.step("processor", ready.substring(ready.indexOf("processor ready:") + "processor ready:".length()).strip());
      for (int i = 0; i < GATEWAYS; i++) {
        GatewayClient client = new GatewayClient(URI.create("http://127.0.0.1:" + settings.gatewayPort(i)));
        wait.untilTrue("gateway " + services.gatewayName(i) + " to answer /health/ready", startupChildren.get(i),
            () -> client.health().ok());
      }
      progress.step("gateways", GATEWAYS + " on ports " + settings.gatewayPort(0) + "-" + settings.gatewayPort(GATEWAYS - 1));
      List<String> expected = PipelineViews.names(settings.pipeline());
      views = wait.until("the gateway to list the views " + expected, anyGateway,
          () -> gateway.views(token).filter(listed -> listed.containsAll(expected)).orElse(null));
      progress.step("views", "served: " + String.join(", ", expected));
      if (settings.generator()) {
        try (OrderTap tap = new OrderTap(kafkaBootstrap, DemoSettings.ORDERS_TOPIC)) {
          Child generator = supervise("generator", () -> services.generator(kafkaBootstrap)).current;
          progress.step("generator", "writing orders to topic 'orders' (pid " + generator.pid() + ")");
          sample = wait.until("the generator's first order", generator, () -> tap.poll(Duration.ofMillis(250)).orElse(null));
        }
        OrderTap.SampleOrder order = sample;
        wait.untilTrue("order_status/" + order.orderId() + " to be readable", anyGateway,
            () -> gateway.row("order_status", order.orderId(), token).ok());
        progress.step("first row", "order_status/" + order.orderId() + " is served");
      }
      recordDriver();
      startupTime = progress.elapsed();
    } catch (DemoFailure e) {
      stop(line -> progress.step("stop", line));
      throw e;
    } catch (IOException | RuntimeException e) {
      stop(line -> progress.step("stop", line));
      throw new DemoFailure("demo --cluster failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * Restarts what died (once it has been dead for {@link #RESTART_DELAY}) and keeps the driver's
   * pid file current. Never gives up on the demo: a node that does not come back is reported and
   * tried again.
   */
  @Override
  public Optional<Child> check(Consumer<String> report) {
    for (Supervised s : supervised) {
      if (stopping) {
        return Optional.empty();
      }
      s.check(report);
    }
    recordDriver();
    return Optional.empty();
  }

  @Override
  public synchronized void stop(Consumer<String> report) {
    stopping = true;
    if (stopped) {
      return;
    }
    List<Supervised> reversed = new ArrayList<>(supervised);
    Collections.reverse(reversed);
    // Clients first (generator, gateways); the clusters then stop as a whole: Spark's master
    // before its workers, so it restarts no driver while they go.
    for (Supervised s : reversed) {
      if (s.service == null) {
        stopChild(s, report);
      }
    }
    List<AutoCloseable> reversedClusters = new ArrayList<>(clusters);
    Collections.reverse(reversedClusters);
    for (AutoCloseable cluster : reversedClusters) {
      long start = System.nanoTime();
      try {
        cluster.close();
      } catch (Exception e) {
        report.accept("stopping " + cluster + " failed: " + e.getMessage());
      }
      report.accept(String.format(Locale.ROOT, "stopped %s in %.1f s", cluster, (System.nanoTime() - start) / 1e9));
    }
    for (Supervised s : reversed) {
      pids.remove(s.name);
    }
    pids.remove(DRIVER);
    if (ownsDemoPidFile) {
      pids.remove(PidFiles.DEMO);
    }
    stopped = true;
  }

  @Override
  public boolean isStopping() {
    return stopping;
  }

  @Override
  public List<String> banner() {
    List<String> lines = new ArrayList<>(ReadyBanner.lines(settings.httpPort(), startupTime, token, views,
        sample == null ? null : sample.orderId(), sample == null ? null : sample.userId(),
        Demo.displayPath(state.dir())));
    lines.addAll(clusterLines(settings, kafkaBootstrap));
    return lines;
  }

  /** The banner's lines about the clusters: where each one is and how to look at it. */
  static List<String> clusterLines(DemoSettings settings, String kafkaBootstrap) {
    int firstRedis = settings.redisPort();
    return List.of(
        "",
        "  # the clusters (each node its own process; a node that dies is restarted after "
            + RESTART_DELAY.toSeconds() + " s):",
        "  #   gateways   http://localhost:" + settings.gatewayPort(0) + " - " + settings.gatewayPort(GATEWAYS - 1),
        "  #   Kafka      " + kafkaBootstrap + " (replication 3, min.insync.replicas 2)",
        "  #   Spark      master spark://127.0.0.1:" + SPARK_MASTER_PORT + ", UI http://localhost:"
            + SPARK_MASTER_UI_PORT + " (workers " + SPARK_WORKER_UI_PORT + "-" + (SPARK_WORKER_UI_PORT + WORKERS - 1) + ")",
        "  #   Redis      cluster 127.0.0.1:" + firstRedis + "-" + (firstRedis + REDIS_NODES - 1)
            + "   redis-cli -c -p " + firstRedis + " cluster nodes",
        "  #   pids       " + settings.stateDir().resolve("pids") + "/ (one file per process, driver included)",
        "  #   chaos      ./streamgate bench chaos --duration 5m");
  }

  @Override
  public void close() {
    stop(line -> { });
  }

  /** The ports the cluster demo needs, checked before anything starts. */
  static List<PortGuard.Need> ports(DemoSettings settings) {
    List<PortGuard.Need> needs = new ArrayList<>();
    for (int i = 0; i < GATEWAYS; i++) {
      needs.add(new PortGuard.Need(settings.gatewayPort(i), "gateway HTTP", "--port"));
      needs.add(new PortGuard.Need(settings.managementPort(i), "gateway management", "--management-port"));
    }
    for (int i = 0; i < 2 * BROKERS; i++) {
      needs.add(new PortGuard.Need(settings.kafkaPort() + i, i < BROKERS ? "Kafka" : "Kafka controller", "--kafka-port"));
    }
    for (int i = 0; i < REDIS_NODES; i++) {
      needs.add(new PortGuard.Need(settings.redisPort() + i, "Redis", "--redis-port"));
      needs.add(new PortGuard.Need(settings.redisPort() + i + 10_000, "Redis cluster bus", "--redis-port"));
    }
    needs.add(new PortGuard.Need(SPARK_MASTER_PORT, "Spark master", "(fixed)"));
    needs.add(new PortGuard.Need(SPARK_MASTER_UI_PORT, "Spark master UI", "(fixed)"));
    for (int i = 0; i < WORKERS; i++) {
      needs.add(new PortGuard.Need(SPARK_WORKER_UI_PORT + i, "Spark worker UI", "(fixed)"));
    }
    needs.add(new PortGuard.Need(settings.processorMetricsPort(), "processor metrics", "--processor-metrics-port"));
    return needs;
  }

  private String driverReadyLine() {
    SparkCluster cluster = spark;
    if (cluster == null) {
      return null;
    }
    for (Path log : cluster.driverLogs()) {
      String line = LogFiles.findSince(log, 0, "processor ready:");
      if (line != null) {
        return line;
      }
    }
    return null;
  }

  /** Keeps {@code pids/spark-driver.pid} pointing at the driver the master runs now. */
  private void recordDriver() {
    SparkCluster cluster = spark;
    if (cluster == null || stopping) {
      return;
    }
    Optional<ProcessHandle> driver = cluster.driver();
    long pid = driver.map(ProcessHandle::pid).orElse(-1L);
    if (pid != driverPid) {
      driverPid = pid;
      try {
        if (pid > 0) {
          pids.write(DRIVER, pid, List.of(DRIVER_MAIN));
        } else {
          pids.remove(DRIVER);
        }
      } catch (IOException e) {
        progress.step("pids", "cannot write the driver's pid file: " + e.getMessage());
      }
    }
  }

  private void checkNotStopping() throws DemoFailure {
    if (stopping) {
      throw new DemoFailure("startup interrupted");
    }
  }

  /** A node of a cluster: restarted in place (same port and data) by its harness object. */
  private void service(DemoServices services, String name, LocalService service, Path log, List<String> markers)
      throws IOException {
    Supervised s = new Supervised(name, service, () -> services.registered(name, service.pid(), log, service::stop,
        markers));
    s.current = s.starter.start();
    supervised.add(s);
  }

  /** A JVM of ours (gateway, generator): started again with the same command. */
  private Supervised supervise(String name, Starter starter) throws IOException {
    Supervised s = new Supervised(name, null, starter);
    s.current = starter.start();
    supervised.add(s);
    return s;
  }

  private void stopChild(Supervised s, Consumer<String> report) {
    Child child = s.current;
    boolean wasAlive = child.isAlive();
    Duration took = child.stop();
    report.accept("stopped " + s.name + " (pid " + child.pid() + ")"
        + (wasAlive ? String.format(Locale.ROOT, " in %.1f s", took.toMillis() / 1000.0) : ", had already exited"));
  }

  @FunctionalInterface
  interface Starter {
    Child start() throws IOException;
  }

  /** One supervised process: what it is now, and since when it is dead. */
  private final class Supervised {
    final String name;
    final LocalService service; // null: a JVM of ours, started by starter alone
    final Starter starter;
    volatile Child current;
    Instant deadSince;

    Supervised(String name, LocalService service, Starter starter) {
      this.name = name;
      this.service = service;
      this.starter = starter;
    }

    void check(Consumer<String> report) {
      if (current.isAlive()) {
        deadSince = null;
        return;
      }
      Instant now = Instant.now();
      if (deadSince == null) {
        deadSince = now;
        report.accept(name + " (pid " + current.pid() + ") died; restarting it in " + RESTART_DELAY.toSeconds() + " s");
        return;
      }
      if (Duration.between(deadSince, now).compareTo(RESTART_DELAY) < 0) {
        return;
      }
      try {
        if (service != null) {
          service.restart();
        }
        current = starter.start();
        report.accept(String.format(Locale.ROOT, "%s restarted (pid %d), %.1f s after it died", name, current.pid(),
            Duration.between(deadSince, Instant.now()).toMillis() / 1000.0));
        deadSince = null;
      } catch (IOException | RuntimeException e) {
        report.accept(name + " did not restart: " + e.getMessage().lines().findFirst().orElse("") + "; trying again");
        deadSince = Instant.now();
      }
    }
  }

  @Override
  public String toString() {
    return "ClusterDemo[" + supervised.stream().map(s -> s.name).collect(Collectors.joining(", ")) + "]";
  }
}
